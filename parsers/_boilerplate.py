"""Page chrome of Chinese government and document-sharing sites, as data.

A web page carries, around the document, lines that belong to the site: "打印本页 | 关闭窗口",
"发布时间：2023-05-12  来源：市财政局  浏览次数：123", "当前位置：首页 > 通知公告", "字号：大 中 小",
"版权所有 … 京ICP备05070218号". :func:`is_boilerplate` tells such a line from document text using
the tables below; extend a table rather than adding a branch. Only lines outside indicator tables
are tested (the HTML parser's paragraphs): a table cell is never dropped.
"""

from __future__ import annotations

import re

# Words that make up a chrome line on their own, alone or several in a row: "【打印】【关闭】",
# "分享到： 微信 微博 QQ空间", "上一篇 下一篇". Compared after the line is cut into tokens (below).
LABELS = frozenset(
    {
        # reading / printing / closing
        "已阅读", "阅读", "打印", "打印本页", "打印此页", "打印正文", "打印文章", "关闭", "关闭窗口",
        "关闭本页", "关闭页面", "返回", "返回顶部", "回到顶部", "返回首页", "返回列表", "顶部", "TOP",
        # downloads, sharing, favourites
        "下载", "附件下载", "分享", "分享到", "收藏", "收藏本页", "加入收藏", "设为首页", "扫一扫",
        "扫码", "微信", "微博", "新浪微博", "腾讯微博", "QQ", "QQ空间", "QQ好友", "朋友圈", "人人网",
        "豆瓣", "点赞", "评论", "纠错", "我要纠错", "政府网站找错", "意见反馈",
        # navigation
        "首页", "上一篇", "下一篇", "上一条", "下一条", "上一页", "下一页", "网站地图", "联系我们",
        "关于我们", "网站声明", "免责声明", "隐私声明", "使用帮助", "帮助", "相关链接", "友情链接",
        "相关文章", "相关阅读", "相关新闻", "推荐阅读", "热点推荐", "更多", "更多>>", "搜索",
        "登录", "注册", "退出", "手机版", "移动版", "RSS",
        # accessibility and display switches
        "无障碍", "无障碍浏览", "长者模式", "关怀版", "适老化", "简体", "繁体", "繁體", "简体版",
        "繁体版", "English", "字号", "字体", "大", "中", "小", "默认", "A+", "A-", "放大", "缩小",
        "视力保护色", "保护视力色", "护眼模式", "背景色",
    }
)

# A label with a value after its colon: the whole line is chrome when it starts with one
# ("来源：市财政局", "发布时间：2023-05-12 来源：…", "当前位置：首页 > …", "字号：大 中 小").
PREFIXES = (
    "来源", "信息来源", "文章来源", "稿件来源", "发布时间", "发布日期", "更新时间", "更新日期",
    "浏览次数", "浏览量", "浏览", "阅读次数", "阅读量", "阅读", "点击数", "点击量", "点击次数", "点击",
    "访问量", "访问次数", "当前位置", "您的位置", "你的位置", "您现在的位置", "所在位置", "位置",
    "字号", "字体", "作者", "编辑", "责任编辑", "责编", "审核", "审校", "校对", "上一篇", "下一篇",
    "上一条", "下一条", "分享到", "技术支持", "主办单位", "主办", "承办单位", "承办", "协办单位",
    "维护单位", "网站标识码", "网站标识", "【字体", "【字号",
)

# Patterns that mark a line as chrome wherever they occur (footers, counters, breadcrumbs).
PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"版权所有|(?i:copyright)|©|(?i:all\s+rights\s+reserved)",
        r"[\u4e00-\u9fff]\s*ICP\s*[备证]\s*\d|ICP\s*备案?\s*[号:：]?\s*\d{4,}",  # 京ICP备05070218号
        r"公网安备\s*\d|网站标识码\s*[:：]?\s*\w",
        r"^(?:已阅读|阅读|浏览|访问|点击)\s*[:：]?\s*\d+\s*次?$",  # 已阅读 123 次
        r"^(?:首页|主页)\s*[>»›＞/]",  # 首页 > 政务公开 > 通知公告
        r"建议(?:使用|采用).{0,30}浏览器|分辨率\s*[:：]?\s*\d{3,4}\s*[×xX*]\s*\d{3,4}",
    )
)

# class/id words of navigation, share and footer boxes ("main-nav", "bdsharebuttonbox", "footer"),
# matched against the parts of a class or id split at spaces, "-" and "_". "header" is not one: the
# document's own title often sits in a div of that class.
CHROME_CLASS_PARTS = frozenset(
    {
        "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "crumb", "crumbs",
        "footer", "sidebar", "share", "bdshare", "bdsharebuttonbox", "copyright", "toolbar", "topbar",
    }
)

# A site name that <title> carries after the document's title: "…的通知_某市人民政府门户网站".
SITE_SUFFIXES = ("网", "网站", "门户", "官网", "平台", "系统", "人民政府", "政府", "政务网", "信息网", "在线")
TITLE_SEPARATORS = re.compile(r"\s*[_|｜]\s*|\s+[-–—]\s+")

_TOKEN_SPLIT = re.compile(r"[\s|｜/\\【】\[\]「」()（）<>《》>»›＞·•]+")
_LEADING_BRACKETS = re.compile(r"^[\s【\[（(「]+")
_PREFIX = re.compile("^(?:" + "|".join(re.escape(p) for p in sorted(PREFIXES, key=len, reverse=True)) + r")\s*[:：]")


def is_boilerplate(line: str) -> bool:
    """True for a line that belongs to the web site, not to the document."""
    text = line.strip()
    if not text:
        return True
    if _PREFIX.match(_LEADING_BRACKETS.sub("", text)):
        return True
    if any(pattern.search(text) for pattern in PATTERNS):
        return True
    tokens = [token.rstrip(":：") for token in _TOKEN_SPLIT.split(text)]
    tokens = [token for token in tokens if token]
    return bool(tokens) and all(token in LABELS for token in tokens)


def title_from_head(title: str) -> str:
    """The document's part of a <title>: site names ("…_某市人民政府门户网站") dropped."""
    parts = [part.strip() for part in TITLE_SEPARATORS.split(title) if part.strip()]
    if not parts:
        return ""
    kept = [part for part in parts if not part.endswith(SITE_SUFFIXES)]
    return (kept or parts)[0]
