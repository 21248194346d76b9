from django.http import HttpResponse


def count(request):
    """Reads the visitor's counter and writes it back one higher: one load and one save of the session."""
    value = request.session.get("count", 0) + 1
    request.session["count"] = value
    return HttpResponse(str(value), content_type="text/plain")
