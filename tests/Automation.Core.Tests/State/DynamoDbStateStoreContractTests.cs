using Amazon.DynamoDBv2;
using Automation.Core.State;
using Automation.Testing;

namespace Automation.Core.Tests.State;

[Collection(MotoCollection.Name)]
public sealed class DynamoDbStateStoreContractTests(MotoServer moto) : StateStoreContract, IDisposable
{
    private readonly List<IAmazonDynamoDB> _clients = [];

    // One client per store, as separate Lambda environments would have, all on one fresh table.
    protected override async Task<IReadOnlyList<IRuleStateStore>> StoresAsync(int count)
    {
        var clients = Enumerable.Range(0, count).Select(_ => MotoDynamoDb.Client(moto)).ToList();
        _clients.AddRange(clients);
        var table = await MotoDynamoDb.CreateTableAsync(clients[0]);
        return clients.Select(client => (IRuleStateStore)new DynamoDbRuleStateStore(client, table)).ToList();
    }

    public void Dispose() => _clients.ForEach(client => client.Dispose());
}
