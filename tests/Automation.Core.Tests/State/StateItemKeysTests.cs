using System.Text;
using Automation.Core.State;

namespace Automation.Core.Tests.State;

public sealed class StateItemKeysTests
{
    [Theory]
    [InlineData("cooldown|rule|0|ns/pod")]
    [InlineData("ünïcødé \U0001F4A5 key")]
    public void Short_well_formed_keys_are_kept(string key) => Assert.Equal(key, StateItemKeys.Bounded(key));

    [Fact]
    public void Long_keys_fit_a_partition_key_and_differ_by_their_hash()
    {
        var a = StateItemKeys.Bounded(string.Concat(Enumerable.Repeat("\U0001F4A5", 5000)) + "a");
        var b = StateItemKeys.Bounded(string.Concat(Enumerable.Repeat("\U0001F4A5", 5000)) + "b");

        Assert.NotEqual(a, b);
        Assert.True(Encoding.UTF8.GetByteCount("count#" + a) <= 2048);
        Assert.Matches("#sha256:[0-9a-f]{64}$", a);
    }

    [Fact]
    public void Lone_surrogates_are_hashed_so_keys_that_UTF8_would_merge_stay_apart()
    {
        var high = StateItemKeys.Bounded("a\uD800");
        var low = StateItemKeys.Bounded("a\uDC00");

        Assert.NotEqual(high, low);
        Assert.DoesNotContain(high, char.IsSurrogate);
        Assert.DoesNotContain(low, char.IsSurrogate);
    }

    [Fact]
    public void A_key_of_exactly_the_plain_limit_is_kept_and_one_more_char_is_hashed()
    {
        var atLimit = new string('k', StateItemKeys.MaxPlainChars);
        Assert.Equal(atLimit, StateItemKeys.Bounded(atLimit));
        Assert.EndsWith(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.Unicode.GetBytes(atLimit + "k"))), StateItemKeys.Bounded(atLimit + "k"));
    }
}
