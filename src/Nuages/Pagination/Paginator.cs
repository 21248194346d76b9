using System.Globalization;
using Nuages.Db.Query;

namespace Nuages.Pagination;

/// <summary>
/// Django's <c>Paginator</c> (django/core/paginator.py), with the async twins of Django 6's <c>AsyncPaginator</c>:
/// splits a list or a QuerySet into pages of <see cref="PerPage"/>; a last page of <see cref="Orphans"/> items or fewer
/// joins the one before. A QuerySet is counted and sliced in the database — with async I/O through
/// <see cref="PageAsync"/>, <see cref="GetPageAsync"/> and <see cref="CountAsync"/>.
/// </summary>
public class Paginator<T>
{
    private readonly IEnumerable<T> _objects;
    private long? _count;

    /// <summary>Pages of <paramref name="perPage"/> items of <paramref name="objectList"/>.</summary>
    public Paginator(IEnumerable<T> objectList, int perPage, int orphans = 0, bool allowEmptyFirstPage = true)
    {
        ArgumentNullException.ThrowIfNull(objectList);
        if (perPage < 1) throw new ArgumentOutOfRangeException(nameof(perPage), perPage, "A page holds at least one item.");
        _objects = objectList;
        PerPage = perPage;
        Orphans = orphans;
        AllowEmptyFirstPage = allowEmptyFirstPage;
    }

    /// <summary>The items per page.</summary>
    public int PerPage { get; }

    /// <summary>How many items a last page may hold before it becomes a page of its own.</summary>
    public int Orphans { get; }

    /// <summary>Whether page 1 exists when there are no items.</summary>
    public bool AllowEmptyFirstPage { get; }

    /// <summary>Django's texts of <see cref="InvalidPage"/> errors by code, replaceable (Django 5's <c>error_messages</c>).</summary>
    public Dictionary<string, string> ErrorMessages { get; init; } = new()
    {
        ["invalid_page"] = "That page number is not an integer",
        ["min_page"] = "That page number is less than 1",
        ["no_results"] = "That page contains no results",
    };

    /// <summary>The string that stands for elided pages in <see cref="GetElidedPageRange"/>.</summary>
    public const string Ellipsis = "…";

    /// <summary>The number of items (a QuerySet's COUNT, once).</summary>
    public long Count => _count ??= _objects switch
    {
        ISliceable<T> query => query.Count(),
        ICollection<T> collection => collection.Count,
        IReadOnlyCollection<T> collection => collection.Count,
        _ => _objects.LongCount(),
    };

    /// <summary>The async twin of <see cref="Count"/>.</summary>
    public async ValueTask<long> CountAsync(CancellationToken cancellationToken = default)
    {
        if (_count is { } known) return known;
        return (long)(_count = _objects is ISliceable<T> query ? await query.CountAsync(cancellationToken).ConfigureAwait(false) : Count);
    }

    /// <summary>The number of pages.</summary>
    public int NumPages => Pages(Count);

    /// <summary>The async twin of <see cref="NumPages"/>.</summary>
    public async ValueTask<int> NumPagesAsync(CancellationToken cancellationToken = default) => Pages(await CountAsync(cancellationToken).ConfigureAwait(false));

    private int Pages(long count)
    {
        if (count == 0 && !AllowEmptyFirstPage) return 0;
        var hits = Math.Max(1, count - Orphans);
        return (int)((hits + PerPage - 1) / PerPage);
    }

    /// <summary>1 to <see cref="NumPages"/>.</summary>
    public IEnumerable<int> PageRange => Enumerable.Range(1, NumPages);

    /// <summary>
    /// The page number as a whole number within the pages (Django's <c>validate_number</c>): 2, "2", 2.0 are page 2;
    /// "x" or 2.5 throw <see cref="PageNotAnInteger"/>, 0 and pages past the last <see cref="EmptyPage"/>.
    /// </summary>
    public int ValidateNumber(object? number) => Validate(number, NumPages);

    private int Validate(object? number, int numPages)
    {
        var page = number switch
        {
            int i => i,
            long l and >= int.MinValue and <= int.MaxValue => (int)l,
            double d when d == Math.Floor(d) && Math.Abs(d) < int.MaxValue => (int)d,
            string s when int.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => (int?)null,
        } ?? throw new PageNotAnInteger(ErrorMessages["invalid_page"]);
        if (page < 1) throw new EmptyPage(ErrorMessages["min_page"]);
        if (page > numPages && !(page == 1 && AllowEmptyFirstPage)) throw new EmptyPage(ErrorMessages["no_results"]);
        return page;
    }

    /// <summary>The page <paramref name="number"/>; throws an <see cref="InvalidPage"/> when there is none (Django's <c>page</c>).</summary>
    public Page<T> Page(object? number)
    {
        var page = ValidateNumber(number);
        var (bottom, top) = Bounds(page, Count);
        var items = _objects is ISliceable<T> query ? query.ReadSlice(bottom, top) : [.. _objects.Skip(bottom).Take(top - bottom)];
        return new Page<T>(items, page, this);
    }

    /// <summary>The async twin of <see cref="Page"/>: the count and the slice are read with async I/O.</summary>
    public async ValueTask<Page<T>> PageAsync(object? number, CancellationToken cancellationToken = default)
    {
        var count = await CountAsync(cancellationToken).ConfigureAwait(false);
        var page = Validate(number, Pages(count));
        var (bottom, top) = Bounds(page, count);
        var items = _objects is ISliceable<T> query ? await query.ReadSliceAsync(bottom, top, cancellationToken).ConfigureAwait(false) : [.. _objects.Skip(bottom).Take(top - bottom)];
        return new Page<T>(items, page, this);
    }

    /// <summary>A page even for a wrong number: the first for one that is not a number, the last for one out of range (Django's <c>get_page</c>).</summary>
    public Page<T> GetPage(object? number) => Page(Tolerant(number, NumPages));

    /// <summary>The async twin of <see cref="GetPage"/>.</summary>
    public async ValueTask<Page<T>> GetPageAsync(object? number, CancellationToken cancellationToken = default) =>
        await PageAsync(Tolerant(number, await NumPagesAsync(cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);

    private int Tolerant(object? number, int numPages)
    {
        try
        {
            return Validate(number, numPages);
        }
        catch (PageNotAnInteger)
        {
            return 1;
        }
        catch (EmptyPage)
        {
            return numPages;
        }
    }

    private (int Bottom, int Top) Bounds(int page, long count)
    {
        var bottom = (page - 1) * PerPage;
        long top = bottom + PerPage;
        if (top + Orphans >= count) top = count;
        return (bottom, (int)Math.Max(bottom, top));
    }

    /// <summary>
    /// The page numbers around <paramref name="number"/> with the rest elided (Django's <c>get_elided_page_range</c>):
    /// for 50 pages at page 43, <c>1, 2, …, 40, 41, 42, 43, 44, 45, 46, …, 49, 50</c>. Items are ints and <see cref="Ellipsis"/>.
    /// </summary>
    public IEnumerable<object> GetElidedPageRange(object? number = null, int onEachSide = 3, int onEnds = 2) =>
        Elided(ValidateNumber(number ?? 1), NumPages, onEachSide, onEnds);

    /// <summary>The async twin of <see cref="GetElidedPageRange"/>: counts with async I/O, then answers at once.</summary>
    public async ValueTask<IReadOnlyList<object>> GetElidedPageRangeAsync(object? number = null, int onEachSide = 3, int onEnds = 2, CancellationToken cancellationToken = default)
    {
        var numPages = await NumPagesAsync(cancellationToken).ConfigureAwait(false);
        return [.. Elided(Validate(number ?? 1, numPages), numPages, onEachSide, onEnds)];
    }

    private static IEnumerable<object> Elided(int number, int numPages, int onEachSide, int onEnds)
    {
        if (numPages <= (onEachSide + onEnds) * 2)
        {
            foreach (var page in Enumerable.Range(1, numPages)) yield return page;
            yield break;
        }
        if (number > 1 + onEachSide + onEnds + 1)
        {
            foreach (var page in Enumerable.Range(1, onEnds)) yield return page;
            yield return Ellipsis;
            foreach (var page in Enumerable.Range(number - onEachSide, onEachSide + 1)) yield return page;
        }
        else
        {
            foreach (var page in Enumerable.Range(1, number)) yield return page;
        }
        if (number < numPages - onEachSide - onEnds - 1)
        {
            foreach (var page in Enumerable.Range(number + 1, onEachSide)) yield return page;
            yield return Ellipsis;
            foreach (var page in Enumerable.Range(numPages - onEnds + 1, onEnds)) yield return page;
        }
        else
        {
            foreach (var page in Enumerable.Range(number + 1, numPages - number)) yield return page;
        }
    }
}

/// <summary>One page of a <see cref="Paginator{T}"/> (Django's <c>Page</c>): its items, read once, and where it stands.</summary>
public sealed class Page<T> : IReadOnlyList<T>
{
    private readonly List<T> _items;

    internal Page(List<T> items, int number, Paginator<T> paginator)
    {
        _items = items;
        Number = number;
        Paginator = paginator;
    }

    /// <summary>The page's 1-based number.</summary>
    public int Number { get; }

    /// <summary>The paginator.</summary>
    public Paginator<T> Paginator { get; }

    /// <summary>The items of the page (Django's <c>object_list</c>).</summary>
    public IReadOnlyList<T> ObjectList => _items;

    /// <summary>Whether a page follows.</summary>
    public bool HasNext() => Number < Paginator.NumPages;

    /// <summary>Whether a page precedes.</summary>
    public bool HasPrevious() => Number > 1;

    /// <summary>Whether there are other pages.</summary>
    public bool HasOtherPages() => HasPrevious() || HasNext();

    /// <summary>The next page's number; an <see cref="EmptyPage"/> on the last page.</summary>
    public int NextPageNumber() => Paginator.ValidateNumber(Number + 1);

    /// <summary>The previous page's number; an <see cref="EmptyPage"/> on the first page.</summary>
    public int PreviousPageNumber() => Paginator.ValidateNumber(Number - 1);

    /// <summary>The 1-based index of the page's first item among all (0 when there are none).</summary>
    public long StartIndex() => Paginator.Count == 0 ? 0 : (long)Paginator.PerPage * (Number - 1) + 1;

    /// <summary>The 1-based index of the page's last item among all.</summary>
    public long EndIndex() => Number == Paginator.NumPages ? Paginator.Count : (long)Number * Paginator.PerPage;

    /// <inheritdoc/>
    public int Count => _items.Count;

    /// <inheritdoc/>
    public T this[int index] => _items[index];

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => $"<Page {Number} of {Paginator.NumPages}>";
}

/// <summary>A page that cannot be given (Django's <c>InvalidPage</c>).</summary>
public class InvalidPage(string message) : Exception(message);

/// <summary>The page number is not a whole number (Django's <c>PageNotAnInteger</c>).</summary>
public sealed class PageNotAnInteger(string message) : InvalidPage(message);

/// <summary>The page has no items: below 1 or past the last (Django's <c>EmptyPage</c>).</summary>
public sealed class EmptyPage(string message) : InvalidPage(message);
