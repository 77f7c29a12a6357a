"""An article's text and metadata, taken from a saved news page, a plain-text file or an address fetched once.

The main text comes from trafilatura (navigation, cookie banners, related links
and comments left out), the date from the page's metadata or, failing that,
htmldate's search of the page (then it is *inferred*, and said so). Both are
imported only here, inside the functions that need them: `check` and `build`
never load them. The text is written with one blank line between paragraphs,
the unit `locator: paragraph N` counts.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

MAX_PAGE_BYTES = 10_000_000
FETCH_TIMEOUT = 30
MIN_PAGE_WORDS = 20
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.IGNORECASE | re.DOTALL)
_READ_DATE = re.compile(  # a publication date written as such in the page's metadata (JSON-LD, meta tags, <time>)
    r"""(?:datePublished|published_time|pubdate|publish[-_]?date|dc\.date|<time\b[^>]*\bdatetime)["']?\s*(?:[:=]\s*|content=)?["']?(\d{4}-\d{2}-\d{2})""",
    re.IGNORECASE,
)
_URL_DATE = re.compile(r"/(\d{4})[/-](\d{2})[/-](\d{2})(?:/|$|-)")


class ArticleError(Exception):
    """The page or file cannot give an article (nothing read, no text found): one line for the user."""


@dataclass
class Article:
    """What a page yields: its main text (paragraphs separated by blank lines) and what it says about itself."""

    text: str
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: str | None = None  # YYYY-MM-DD
    published_how: str = ""  # "" read from the page's metadata, else how it was inferred
    url: str | None = None

    @property
    def paragraphs(self) -> int:
        return self.text.count("\n\n") + 1 if self.text else 0


def read_location(location: str) -> tuple[bytes, str | None]:
    """The bytes of a file, or of the page at an http(s) address (fetched once), and the address if any."""
    if urlsplit(location).scheme in ("http", "https"):
        return _fetch(location), location
    if "://" in location:
        raise ArticleError(f"'{location}': only http and https addresses can be fetched")
    path = Path(location)
    if not path.is_file():
        raise ArticleError(f"'{location}' {'is not a file' if path.exists() else 'does not exist'}")
    if path.stat().st_size > MAX_PAGE_BYTES:
        raise ArticleError(f"'{location}' is over {MAX_PAGE_BYTES:,} bytes; is it an article?")
    return path.read_bytes(), None


def _fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "briefing add-source (one article, asked for by its reader)"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            data = response.read(MAX_PAGE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise ArticleError(f"'{url}': the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ArticleError(f"'{url}' could not be fetched ({reason})") from None
    if len(data) > MAX_PAGE_BYTES:
        raise ArticleError(f"'{url}' is over {MAX_PAGE_BYTES:,} bytes; is it an article?")
    return data


def extract(data: bytes, name: str, url: str | None = None) -> Article:
    """The article in `data` (HTML when it looks like a page, else plain text); ArticleError when there is none."""
    page = bool(_HTML_START.match(data[:2048])) or name.lower().endswith((".html", ".htm", ".xhtml"))
    article = from_html(data, url) if page else from_text(_decode(data, name))
    if not article.text.strip() or (page and len(article.text.split()) < MIN_PAGE_WORDS):  # a menu or a consent box is not an article
        raise ArticleError(f"'{name}' yields no article text; save the page with the article showing, or copy its text into a .txt file")
    return article


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ArticleError(f"'{name}' is not UTF-8 text; save it as UTF-8")


def from_text(text: str) -> Article:
    """A plain-text article: paragraphs as written (blank lines between them), a short first line as its title."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b.strip("\n") for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    blocks = ["\n".join(line.rstrip() for line in b.split("\n")) for b in blocks]
    title = None
    if len(blocks) > 1 and "\n" not in blocks[0] and len(blocks[0]) <= 200 and not blocks[0].endswith("."):
        title = blocks.pop(0).strip()
    return Article("\n\n".join(blocks), title=title)


def from_html(data: bytes, url: str | None = None) -> Article:
    """The main text and metadata of a news page, as trafilatura and htmldate find them."""
    import trafilatura

    try:
        found = trafilatura.bare_extraction(data, url=url, with_metadata=True, include_comments=False, include_tables=False,
                                           include_images=False, favor_precision=True, output_format="python")
    except (ValueError, TypeError, LookupError) as exc:  # markup or an encoding the parser cannot take
        raise ArticleError(f"the page could not be read as HTML ({exc})") from None
    if found is None:
        return Article("")
    meta = found.as_dict() if hasattr(found, "as_dict") else dict(found)
    title = _clean(meta.get("title"))
    lines = [line.strip() for line in (meta.get("text") or "").split("\n") if line.strip()]
    if lines and title and lines[0] == title:  # the headline is the source's title, not a paragraph
        lines.pop(0)
    page = data.decode("utf-8", errors="replace")
    article = Article("\n\n".join(lines), title=title, publisher=_clean(meta.get("sitename")),
                      author=_clean(meta.get("author")), url=_clean(meta.get("url")) or url)
    _date(article, page, meta.get("date"))
    return article


def _date(article: Article, page: str, found: str | None) -> None:
    """The publication date, and whether the page states it or it was worked out (from the address, the text)."""
    stated = {m.group(1) for m in _READ_DATE.finditer(page)}
    if found and found in stated:
        article.published = found
        return
    if stated:
        article.published = min(stated)
        return
    if not found:
        import htmldate

        found = htmldate.find_date(page, extensive_search=True, original_date=True, url=article.url)
    if found:
        article.published = found
        in_url = article.url and (m := _URL_DATE.search(urlsplit(article.url).path)) and "-".join(m.groups()) == found
        article.published_how = "from the page's address" if in_url else "from the page's text"


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None
