namespace Nuages.Db.Query;

/// <summary>Rows that can be read whole asynchronously (QuerySets, Values, raw queries): what an async template render awaits.</summary>
internal interface IAsyncRows
{
    ValueTask<System.Collections.IList> ReadAllAsync(CancellationToken cancellationToken);
}

/// <summary>A query's rows as an <see cref="IAsyncEnumerable{T}"/>, for async LINQ: the query itself is not one, so LINQ over it is never ambiguous.</summary>
internal sealed class AsyncRows<T>(Func<CancellationToken, IAsyncEnumerator<T>> enumerator) : IAsyncEnumerable<T>
{
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => enumerator(cancellationToken);
}
