namespace Nuages.Db.Query;

/// <summary>A query that counts and reads a slice of its rows in the database, in both modes: what pagination asks of a QuerySet.</summary>
internal interface ISliceable<T>
{
    long Count();

    Task<long> CountAsync(CancellationToken cancellationToken);

    List<T> ReadSlice(int start, int end);

    Task<List<T>> ReadSliceAsync(int start, int end, CancellationToken cancellationToken);
}
