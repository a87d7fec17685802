namespace Automation.LogForwarder.Bulk;

/// <summary>A write-only stream into a <see cref="PooledBuffer"/>, for GZipStream to compress into.</summary>
internal sealed class PooledBufferStream(PooledBuffer buffer) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => buffer.Length;

    public override long Position { get => buffer.Length; set => throw new NotSupportedException(); }

    public override void Write(byte[] array, int offset, int count) => buffer.Write(array.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> span) => buffer.Write(span);

    public override void WriteByte(byte value) => buffer.WriteByte(value);

    public override void Flush()
    {
    }

    public override int Read(byte[] array, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
