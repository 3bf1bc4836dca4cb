"""Page chrome that brings the sample site's pages up to a real news page's weight.

The sample site renders the markup a parser needs (~20 KB an article). A real Drupal news page
is 60–120 KB, mostly chrome: inline critical CSS, the ``drupalSettings`` JSON, a tag-manager
snippet, an inline SVG icon sprite, a second (mobile) copy of the menus and a trailing inline
script. ``pad(html, key)`` adds exactly that, deterministically, so that the page ends up
``target_size(key)`` bytes long (60–120 KB, median about 80 KB). Nothing is added inside
``<main>``: what a parser should extract is unchanged, which ``bench.run`` checks.
"""

from __future__ import annotations

import json
import random
import zlib
from functools import lru_cache

MIN_SIZE = 60_000
MAX_SIZE = 120_000

_SEL = (
    "block", "menu", "menu-item", "node", "field", "site-header", "pager", "views-row",
    "teaser", "btn", "form-item", "layout-container", "region", "site-footer", "search-form",
    "field--name-body", "field--name-field-region", "block-views", "popular", "related",
    "editors-choice", "page-title", "breadcrumb", "social-share", "newsletter", "cookie",
)  # fmt: skip
_MOD = ("", "", "__title", "__content", "--expanded", "--active", "__item", "--teaser", "__link")
_PSEUDO = ("", "", "", ":hover", ":focus", "::before", "::after", ":first-child")
_PROPS = (
    ("margin", "0 auto|0|0 0 1rem|1.5rem 0|-1px 0 0"), ("padding", "0|.5rem 1rem|0 12px|2rem 0"),
    ("color", "#1a3c5e|#333|#fff|#6b7785|inherit|#c8102e"), ("display", "block|flex|none|grid"),
    ("font-size", ".875rem|1rem|1.125rem|14px|2.25rem"), ("line-height", "1.4|1.6|1.25|24px"),
    ("border-bottom", "1px solid #e3e6ea|0|2px solid #c8102e"), ("font-weight", "400|600|700"),
    ("background", "#f5f6f8|transparent|#1a3c5e|#fff url(/themes/custom/commonspace/i/bg.svg)"),
    ("transition", "color .2s ease-in-out|opacity .3s|all .15s linear"), ("z-index", "1|10|100"),
    ("grid-template-columns", "repeat(3,1fr)|2fr 1fr|1fr"), ("gap", "1rem|24px|2rem 1rem"),
    ("text-transform", "uppercase|none"), ("max-width", "1200px|100%|720px"),
)  # fmt: skip
_WORDS = (
    "menu", "toggle", "drupal", "behaviors", "attach", "context", "settings", "once", "element",
    "classList", "querySelector", "addEventListener", "dataLayer", "push", "event", "cookie",
    "consent", "banner", "window", "document", "length", "forEach", "offset", "scroll",
    "resize", "matchMedia", "sticky", "header", "search", "share", "popup", "lazy", "image",
)  # fmt: skip
_LIBRARIES = (
    "commonspace/global-styling", "core/drupal.ajax", "core/once", "eu_cookie_compliance/"
    "eu_cookie_compliance_default", "google_tag/gtm", "social_media/basic", "system/base",
    "views/views.module", "better_exposed_filters/general", "statistics/drupal.statistics",
    "extlink/drupal.extlink", "responsive_menu/responsive_menu.styling", "simplenews/newsletter",
)  # fmt: skip
_MENU = (
    ("Region", ("south-caucasus", "central-asia", "russia", "ukraine-and-eastern-europe",
                "gulf-and-red-sea-regions", "turkiye-and-levant", "north-africa-and-sahel",
                "eu-plus", "global")),
    ("Theme", ("monday-commentary", "landmine-free-south-caucasus", "diplomacy",
               "conflict-and-peace")),
)  # fmt: skip


def target_size(key: int) -> int:
    """The page size for page ``key``: 60–120 KB, skewed towards the small end like real pages."""
    u = (zlib.crc32(key.to_bytes(8, "little")) & 0xFFFF) / 0xFFFF
    return MIN_SIZE + int((MAX_SIZE - MIN_SIZE) * u**1.6)


def _css_rule(rng: random.Random) -> str:
    sel = ",".join(
        f".{rng.choice(_SEL)}{rng.choice(_MOD)}{rng.choice(_PSEUDO)}"
        + (f" .{rng.choice(_SEL)}{rng.choice(_MOD)}" if rng.random() < 0.5 else "")
        for _ in range(rng.randint(1, 3))
    )
    decls = ";".join(
        f"{name}:{rng.choice(values.split('|'))}" for name, values in rng.sample(_PROPS, 3)
    )
    return f"{sel}{{{decls}}}"


@lru_cache(maxsize=1)
def _critical_css() -> str:
    rng = random.Random("css")
    rules, size = [], 0
    while size < 17_000:
        rule = _css_rule(rng)
        if rng.random() < 0.08:
            rule = f"@media (min-width:{rng.choice((576, 768, 992, 1200))}px){{{rule}}}"
        rules.append(rule)
        size += len(rule)
    return '<style media="all">' + "".join(rules) + "</style>\n"


def _path_data(rng: random.Random, n: int) -> str:
    parts = [f"M{rng.uniform(0, 24):.2f} {rng.uniform(0, 24):.2f}"]
    for _ in range(n):
        cmd = rng.choice("clcsL")
        k = 6 if cmd in "cs" else 2
        parts.append(cmd + " ".join(f"{rng.uniform(-12, 12):.2f}" for _ in range(k)))
    return "".join(parts) + "z"


@lru_cache(maxsize=1)
def _svg_sprite() -> str:
    rng = random.Random("svg")
    icons = ("search", "menu", "close", "facebook", "twitter", "linkedin", "mail", "rss",
             "arrow-left", "arrow-right", "chevron", "play", "camera", "quote", "clock",
             "globe", "user", "print")  # fmt: skip
    symbols = "".join(
        f'<symbol id="icon-{name}" viewBox="0 0 24 24"><path d="{_path_data(rng, 28)}"/></symbol>'
        for name in icons
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" style="display:none">'
        + symbols
        + "</svg>\n"
    )


@lru_cache(maxsize=1)
def _mobile_menu() -> str:
    items = "".join(
        f'<li class="menu-item menu-item--expanded"><span>{title}</span><ul class="menu">'
        + "".join(
            f'<li class="menu-item"><a href="/{title.lower()}/{slug}">'
            f"{slug.replace('-', ' ').title()}</a></li>"
            for slug in slugs
        )
        + "</ul></li>"
        for title, slugs in _MENU
    )
    return (
        '<div class="responsive-menu-block-wrapper" id="off-canvas" aria-hidden="true">'
        '<nav class="menu--mobile" aria-label="Mobile navigation"><ul class="menu">'
        f'{items}<li class="menu-item"><a href="/voices">Voices</a></li></ul></nav></div>\n'
    )


_GTM = "https://www.googletagmanager.com"


def _gtm(nid: int) -> tuple[str, str]:
    """The tag-manager snippet; like the real one, it loads from another host."""
    head = (
        "<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date()"
        ".getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),"
        f"dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src='{_GTM}/gtm.js?id='+i+dl;f.parentNode."
        f"insertBefore(j,f);}})(window,document,'script','dataLayer','GTM-{nid % 9973:04d}');"
        "</script>\n"
    )
    body = (
        f'<noscript><iframe src="{_GTM}/ns.html?id=GTM-{nid % 9973:04d}" height="0" '
        'width="0" style="display:none;visibility:hidden"></iframe></noscript>\n'
    )
    return head, body


def _settings(rng: random.Random, key: int, size: int) -> str:
    """The ``drupalSettings`` JSON: page state, libraries, views and a tag-manager data layer."""
    data: dict[str, object] = {
        "path": {"baseUrl": "/", "pathPrefix": "", "currentPath": f"node/{key}",
                 "currentPathIsAdmin": False, "isFront": False, "currentLanguage": "en"},
        "pluralDelimiter": "\u0003",
        "ajaxPageState": {"libraries": ",".join(_LIBRARIES), "theme": "commonspace",
                          "theme_token": f"{rng.getrandbits(128):032x}"},
        "eu_cookie_compliance": {"cookie_lifetime": 100, "popup_enabled": True,
                                 "popup_html_info": "<div class=\"eu-cookie-compliance-banner\">"
                                 "We use cookies on this site to enhance your user experience."
                                 "</div>"},
        "statistics": {"data": {"nid": str(key)}, "url": "/core/modules/statistics/statistics.php"},
        "views": {"ajax_path": "/views/ajax", "ajaxViews": {}},
        "dataLayer": [],
    }  # fmt: skip
    layer: list[dict[str, object]] = []
    data["dataLayer"] = layer
    filled = len(json.dumps(data))
    while filled < size:
        dom = f"views_dom_id:{rng.getrandbits(160):040x}"
        views = data["views"]
        assert isinstance(views, dict)
        view = {
            "view_name": rng.choice(("popular", "related_content", "frontpage", "taxonomy")),
            "view_display_id": rng.choice(("block_1", "block_2", "page_1")),
            "view_args": str(rng.randint(1, 99999)),
            "view_path": f"/node/{key}",
            "pager_element": 0,
        }
        event = {"event": rng.choice(("view", "scroll", "engagement")),
                 "entityId": rng.randint(9000, 30000),
                 "entityTaxonomy": {"region": {str(rng.randint(20, 47)): rng.choice(_SEL)}},
                 "entityCreated": rng.randint(1_500_000_000, 1_760_000_000)}  # fmt: skip
        views["ajaxViews"][dom] = view
        layer.append(event)
        filled += len(dom) + len(json.dumps(view)) + len(json.dumps(event)) + 6
    return (
        '<script type="application/json" data-drupal-selector="drupal-settings-json">'
        + json.dumps(data, separators=(",", ":"))
        + "</script>\n"
    )


def _inline_js(rng: random.Random, size: int) -> str:
    out, n = ["<script>"], 0
    while n < size:
        a, b, c = rng.sample(_WORDS, 3)
        piece = (
            f"(function($,Drupal,once){{Drupal.behaviors.{a}{b.title()}={{attach:function(e,t)"
            f'{{once("{c}",".{rng.choice(_SEL)}{rng.choice(_MOD)}",e).forEach(function(n)'
            f'{{n.{rng.choice(_WORDS)}("{a}",function(r){{var o=r.{c}||{rng.randint(0, 999)};'
            f'n.classList.toggle("is-{b}",o>{rng.randint(0, 99)})}})}})}}}}}})(jQuery,Drupal,'
            "once);"
        )
        out.append(piece)
        n += len(piece)
    out.append("</script>\n")
    return "".join(out)


def pad(html: str, key: int) -> str:
    """``html`` with page chrome added so it is ``target_size(key)`` bytes (if it was smaller)."""
    head_at = html.find("</head>")
    body_open = html.find("<body")
    body_at = html.find(">", body_open) + 1 if body_open >= 0 else -1
    end_at = html.rfind("</body>")
    if min(head_at, body_at, end_at) < 0:
        return html
    rng = random.Random(key)
    gtm_head, gtm_body = _gtm(key)
    fixed = [_critical_css(), gtm_head, gtm_body, _svg_sprite(), _mobile_menu()]
    base = len(html.encode()) + sum(len(f) for f in fixed)
    room = target_size(key) - base
    if room <= 0:
        return html
    settings = _settings(rng, key, max(600, room * 2 // 5))
    room -= len(settings)
    tail = _inline_js(rng, max(0, room - 20)) if room > 40 else ""
    head_extra = fixed[0] + settings + gtm_head
    top = gtm_body + fixed[3] + fixed[4]
    return (
        html[:head_at]
        + head_extra
        + html[head_at:body_at]
        + top
        + html[body_at:end_at]
        + (tail + html[end_at:])
    )
