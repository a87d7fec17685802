using System.Buffers;

namespace Automation.LogForwarder.Bulk;

/// <summary>
/// A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>: bulk bodies are built and compressed into
/// these, so a 6 MB batch does not leave megabytes of garbage per invocation. Not thread-safe; dispose to return it.
/// </summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _written;

    public PooledBuffer(int initialCapacity = 64 * 1024) => _array = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Length => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _written);

    public void Clear() => _written = 0;

    /// <summary>Drops everything written after <paramref name="length"/> bytes.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _written);
        _written = length;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _array.Length)
        {
            throw new InvalidOperationException("advanced past the buffer");
        }
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _written += bytes.Length;
    }

    public void WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        _written++;
    }

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _array.Length)
        {
            return;
        }
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array.Length * 2));
        _array.AsSpan(0, _written).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_array);
        _array = grown;
    }

    public void Dispose()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
            _written = 0;
        }
    }
}
