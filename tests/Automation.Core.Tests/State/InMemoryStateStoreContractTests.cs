using Automation.Core.State;

namespace Automation.Core.Tests.State;

public sealed class InMemoryStateStoreContractTests : StateStoreContract
{
    protected override Task<IReadOnlyList<IRuleStateStore>> StoresAsync(int count)
    {
        var store = new InMemoryRuleStateStore();
        return Task.FromResult<IReadOnlyList<IRuleStateStore>>(Enumerable.Repeat<IRuleStateStore>(store, count).ToList());
    }
}
