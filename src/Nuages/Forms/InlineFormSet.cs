using Nuages.Core;
using Nuages.Db.Models;
using Nuages.Db.Query;

namespace Nuages.Forms;

/// <summary>
/// Django's inline formsets (<c>inlineformset_factory</c>): the <typeparamref name="T"/> rows of one
/// <see cref="Instance"/> of <typeparamref name="TParent"/> — those whose foreign key <see cref="ForeignKey"/> points
/// at it — as a model formset; the key is not a field of the forms, and rows created through it belong to the parent.
/// <code>
/// var books = new InlineFormSet&lt;Author, Book, BookForm&gt; { Instance = author, ForeignKey = "author", Data = request.Form };
/// if (await books.IsValidAsync()) await books.SaveAsync();
/// </code>
/// </summary>
public class InlineFormSet<TParent, T, TForm> : ModelFormSet<T, TForm>
    where TParent : Model<TParent>, new() where T : Model<T>, new() where TForm : ModelForm<T>, new()
{
    /// <summary>The parent row (saved: its rows are found by its key).</summary>
    public required TParent Instance { get; init; }

    /// <summary>The name of <typeparamref name="T"/>'s foreign key to <typeparamref name="TParent"/>; the only one when null.</summary>
    public string? ForeignKey { get; init; }

    private FieldMeta Key
    {
        get
        {
            var keys = ModelMeta.For(typeof(T)).Fields.Where(f => f.RelatedType == typeof(TParent) && (ForeignKey is null || f.Key == ForeignKey)).ToList();
            return keys.Count == 1 ? keys[0] : throw new ImproperlyConfigured(keys.Count == 0
                ? $"'{typeof(T).Name}' has no ForeignKey to '{typeof(TParent).Name}'{(ForeignKey is null ? "" : $" named '{ForeignKey}'")}."
                : $"'{typeof(T).Name}' has more than one ForeignKey to '{typeof(TParent).Name}'. You must specify a 'ForeignKey' attribute.");
        }
    }

    /// <inheritdoc/>
    protected override QuerySet<T> BaseRows() => Model<T>.Objects.Filter(Key.Key, Instance.Id).OrderBy("pk");

    /// <inheritdoc/>
    protected override TForm CreateForm(int index, IReadOnlyDictionary<string, object?> initial, bool emptyPermitted)
    {
        var form = base.CreateForm(index, initial, emptyPermitted);
        var key = Key;
        form.RemoveField(key.Key);
        // the row belongs to the parent, new or not (Django's InlineForeignKeyField)
        var relation = key.Relation!(form.Instance)!;
        relation.Id = Instance.Id;
        relation.Cached = Instance;
        return form;
    }
}
