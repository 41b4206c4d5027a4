"""Login throttling: failed sign-ins lock the account, and the network address, for a while.

``LOGIN_THROTTLE`` (settings): ``username_failures`` failures of one username within ``window_seconds``
lock that username for ``lockout_seconds``, whatever the address; ``address_failures`` failures from one
address (any usernames) lock that address the same way. While locked even the right password is
refused. A successful sign-in clears its username's failures (not its address's).

Every attempt is a ``LoginAttempt`` row, not a cache entry: inserts are never lost between gunicorn
workers or app servers (a cache's read-increment-write is), the counts need no cache service or
``createcachetable``, and the rows are the audit trail (read-only in the admin, and logged on
``perfbudget.security``).

Enforcement is in the authentication backend, so the login page, the admin's login and any other
``authenticate()`` are throttled alike; the login forms only turn a lock into its message.
"""

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import ip_address

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver
from django.utils import timezone

from core.models import LoginAttempt

logger = logging.getLogger("perfbudget.security")

DEFAULTS = {"username_failures": 5, "address_failures": 20, "window_seconds": 900, "lockout_seconds": 900}
RETENTION = timedelta(days=180)


def _config() -> dict:
    return {**DEFAULTS, **getattr(settings, "LOGIN_THROTTLE", {})}


@dataclass(frozen=True)
class Lock:
    until: datetime
    by_address: bool

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))
        until = timezone.localtime(self.until).strftime("%H:%M")
        if self.by_address:
            return (
                f"从您所在网络地址登录失败的次数过多，已暂停登录，请 {minutes} 分钟后（{until} 以后）再试。"
                "如忘记密码，请联系管理员。"
            )
        return (
            f"该账号登录失败的次数过多，已暂时锁定，请 {minutes} 分钟后（{until} 以后）再试。"
            "如忘记密码，请联系管理员。"
        )


def client_address(request) -> str | None:
    """The client's IP: ``REMOTE_ADDR``, or behind a proxy in ``TRUSTED_PROXIES`` the last address of
    ``X-Forwarded-For`` that is not a trusted proxy (the ones before it are the client's to invent)."""
    if request is None:
        return None
    trusted = set(getattr(settings, "TRUSTED_PROXIES", []))
    address = _valid(request.META.get("REMOTE_ADDR"))
    if address in trusted:
        for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            hop = _valid(hop.strip())
            if hop is None:
                break
            address = hop
            if hop not in trusted:
                break
    return address


def _valid(text) -> str | None:
    try:
        return str(ip_address(text))
    except ValueError:
        return None


def _locked_until(attempts, limit: int, config: dict) -> datetime | None:
    """The end of the lock the latest ``limit`` failures of ``attempts`` impose, if still running."""
    now = timezone.now()
    window, lockout = (
        timedelta(seconds=config["window_seconds"]),
        timedelta(seconds=config["lockout_seconds"]),
    )
    recent = list(
        attempts.filter(outcome=LoginAttempt.Outcome.FAILED, at__gte=now - window - lockout)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit or recent[0] - recent[-1] > window:
        return None
    until = recent[0] + lockout
    return until if until > now else None


def lockout(username: str | None, address: str | None) -> Lock | None:
    """The lock on ``username`` or on ``address`` now, or None."""
    config = _config()
    if username:
        attempts = LoginAttempt.objects.filter(username=username[:150])
        success = (
            attempts.filter(outcome=LoginAttempt.Outcome.SUCCEEDED)
            .order_by("-at")
            .values_list("at", flat=True)
        ).first()
        if success is not None:
            attempts = attempts.filter(at__gt=success)
        until = _locked_until(attempts, config["username_failures"], config)
        if until:
            return Lock(until, by_address=False)
    if address:
        until = _locked_until(
            LoginAttempt.objects.filter(address=address), config["address_failures"], config
        )
        if until:
            return Lock(until, by_address=True)
    return None


def _record(username: str, address: str | None, outcome: str) -> None:
    LoginAttempt.objects.create(username=(username or "")[:150], address=address, outcome=outcome)
    LoginAttempt.objects.filter(at__lt=timezone.now() - RETENTION).delete()


@receiver(user_login_failed, dispatch_uid="perfbudget-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")
    address = client_address(request)
    lock = lockout(username, address)
    if lock is not None:
        # Refused before the password was checked (the backend below): recorded, not counted.
        _record(username, address, LoginAttempt.Outcome.LOCKED)
        logger.warning("login refused while locked: username=%r address=%s", username, address)
        return
    _record(username, address, LoginAttempt.Outcome.FAILED)
    logger.warning("login failed: username=%r address=%s", username, address)
    lock = lockout(username, address)
    if lock is not None:
        logger.warning(
            "login locked until %s: username=%r address=%s (%s)",
            timezone.localtime(lock.until).isoformat(timespec="seconds"),
            username,
            address,
            "address" if lock.by_address else "username",
        )


@receiver(user_logged_in, dispatch_uid="perfbudget-logged-in")
def _logged_in(sender, request, user, **kwargs):
    _record(user.get_username(), client_address(request), LoginAttempt.Outcome.SUCCEEDED)
    logger.info("login: username=%r address=%s", user.get_username(), client_address(request))


class ThrottledModelBackend(ModelBackend):
    """Django's model backend, refusing (before checking the password) a locked username or address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if lockout(username, client_address(request)) is not None:
            raise PermissionDenied("locked")  # authenticate() stops here and sends user_login_failed
        return super().authenticate(request, username=username, password=password, **kwargs)


class LockMessageMixin:
    """A login form whose refusal says so, and until when, when the username or address is locked."""

    def get_invalid_login_error(self):
        lock = lockout(self.cleaned_data.get("username"), client_address(self.request))
        if lock is not None:
            return ValidationError(lock.message, code="locked")
        return super().get_invalid_login_error()


class LoginForm(LockMessageMixin, AuthenticationForm):
    """The login page's form (``LoginView(authentication_form=…)``)."""


class AdminLoginForm(LockMessageMixin, AdminAuthenticationForm):
    """The admin's login form (``admin.site.login_form``)."""
