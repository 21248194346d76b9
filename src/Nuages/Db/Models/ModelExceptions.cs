namespace Nuages.Db.Models;

/// <summary>A lookup names a field or lookup that does not exist; raised when the query is built.</summary>
public sealed class FieldError(string message) : Exception(message);

/// <summary>Django's <c>ObjectDoesNotExist</c>: <c>Get</c> found nothing.</summary>
public class ObjectDoesNotExist(string message) : Exception(message);

/// <summary>Django's <c>MultipleObjectsReturned</c>: <c>Get</c> found more than one.</summary>
public class MultipleObjectsReturned(string message) : Exception(message);
