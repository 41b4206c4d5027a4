"""A load test: N simulated preparers browse, edit and save drafts against a running server.

Each user signs in, opens the workspace, the declaration entry page and the preview, and saves the
declaration with one amount changed, in a loop, for the given duration; every 5th round it also
downloads the PDF of a form it does not edit (its department's declaration of the year before). Some users share a declaration
with a colleague of the same department, so concurrent saves of one form happen and must be refused
(409), never lost: afterwards the stored version of each form must equal 1 + its accepted saves
(checked in the database by scripts/loadtest.sh).
Standard library only; run by scripts/loadtest.sh against gunicorn and PostgreSQL on 127.0.0.1.
"""

import argparse
import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from html.parser import HTMLParser


class Inputs(HTMLParser):
    """The values of an entry page's inputs and textareas, as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.values, self.textarea, self.in_template = {}, None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.in_template += 1
        elif self.in_template:
            return
        elif tag == "input" and attrs.get("name") and attrs.get("type") not in {"submit", "button", "file"}:
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.values[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template -= 1
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and not self.in_template:
            self.values[self.textarea] += data


def form_values(html: str) -> dict[str, str]:
    """What a browser would post from a page: every input and textarea outside the row templates."""
    parser = Inputs()
    parser.feed(html)
    # A browser drops the newline that follows <textarea>.
    return {key: value.removeprefix("\n") for key, value in parser.values.items()}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class User:
    def __init__(self, base: str, username: str, password: str, stats):
        self.base, self.username, self.password, self.stats = base, username, password, stats
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(
        self, label: str, path: str, data: dict | None = None, binary: bool = False
    ) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                content = response.read()
                status, text = response.status, "" if binary else content.decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        self.stats.record(label, status, time.perf_counter() - started)
        return status, text

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def sign_in(self):
        self.request("登录页", "/accounts/login/")
        status, _ = self.request(
            "登录",
            "/accounts/login/",
            {"username": self.username, "password": self.password, "csrfmiddlewaretoken": self.csrf()},
        )
        if status != 302:
            raise RuntimeError(f"{self.username}: sign-in returned {status}")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.statuses: Counter = Counter()
        self.saves: Counter = Counter()  # accepted saves per form path

    def record(self, label: str, status: int, seconds: float):
        with self.lock:
            self.times.setdefault(label, []).append(seconds)
            self.statuses[(label, status)] += 1


def run_user(user: User, form_path: str, deadline: float, stats: Stats, think: float, pdf_path: str = ""):
    user.sign_in()
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        time.sleep(think)  # a person reads a page before the next click
        user.request("工作台", "/?year=2025")
        status, page = user.request("填报页", form_path)
        if status != 200:
            continue
        data = form_values(page)
        data["basic_expenditure"] = f"{1000 + rounds}.{rounds % 100:02d}"
        data["fiscal_appropriation"] = data["district_level"] = ""  # a draft may be out of balance
        data["action"] = "save"
        status, _ = user.request("保存草稿", form_path, data)
        if status == 302:
            with stats.lock:
                stats.saves[form_path] += 1
        user.request("预览", form_path + "preview/")
        if pdf_path and rounds % 5 == 0:
            # Every 5th round the PDF of a form the user does not edit here (last year's declaration).
            user.request("PDF", pdf_path, binary=True)


def guarded(user, *args):
    """A user whose loop dies is a failure of the run, not a quiet thread."""
    try:
        run_user(user, *args)
    except Exception as error:
        user.stats.record(f"崩溃：{type(error).__name__}", 599, 0)
        raise


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument("--forms", required=True, help="file with one 'username path [pdf path]' per line")
    parser.add_argument("--password", default="perfbudget-demo")
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds a user pauses between rounds (0: stress)"
    )
    args = parser.parse_args()
    assignments = [line.split() for line in open(args.forms, encoding="utf-8") if line.strip()][: args.users]
    stats = Stats()
    deadline = time.monotonic() + args.duration
    threads = [
        threading.Thread(
            target=guarded,
            args=(User(args.base, name, args.password, stats), path, deadline, stats, args.think, *pdf),
        )
        for name, path, *pdf in assignments
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    total = sum(len(v) for v in stats.times.values())
    print(f"{len(threads)} users, {elapsed:.0f} s, {total} requests, {total / elapsed:.1f} req/s")
    print(f"{'request':<10}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}  statuses")
    everything = []
    for label, times in stats.times.items():
        everything += times
        codes = ", ".join(
            f"{code}×{n}" for (name, code), n in sorted(stats.statuses.items()) if name == label
        )
        print(
            f"{label:<10}{len(times):>8}{percentile(times, 0.5) * 1000:>10.0f}"
            f"{percentile(times, 0.95) * 1000:>10.0f}{max(times) * 1000:>10.0f}  {codes}"
        )
    print(
        f"{'all':<10}{len(everything):>8}{percentile(everything, 0.5) * 1000:>10.0f}{percentile(everything, 0.95) * 1000:>10.0f}"
    )
    errors = {key: n for key, n in stats.statuses.items() if key[1] >= 500}
    print("server errors:", errors or "none")
    with open(args.forms + ".saves", "w", encoding="utf-8") as out:
        for path, count in stats.saves.items():
            pk = re.search(r"/(\d+)/$", path).group(1)
            out.write(f"{pk} {count}\n")
    raise SystemExit(1 if errors else 0)


if __name__ == "__main__":
    main()
