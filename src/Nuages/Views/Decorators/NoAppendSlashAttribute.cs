namespace Nuages.Views.Decorators;

/// <summary>
/// Django's <c>no_append_slash</c>: CommonMiddleware will not redirect <c>/path</c> to this view at
/// <c>/path/</c> (as django/views/decorators/common.py). The view and its response are otherwise untouched.
/// </summary>
public sealed class NoAppendSlashAttribute : ViewDecoratorAttribute;
