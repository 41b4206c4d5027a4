"""Response headers every page gets: the Content-Security-Policy, and no caching of private answers."""

from django.conf import settings

PRIVATE = "private, no-store"


class SecurityHeadersMiddleware:
    """``Content-Security-Policy`` on every response (``settings.CONTENT_SECURITY_POLICY``), and
    ``Cache-Control: private, no-store`` on every answer to a signed-in user and on every download:
    a shared cache or the browser's back button must not keep a department's forms after sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        download = response.get("Content-Disposition", "").startswith("attachment")
        if download or (user is not None and user.is_authenticated):
            response["Cache-Control"] = PRIVATE
            response.headers.pop("Expires", None)
        return response
