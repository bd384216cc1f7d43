"""The footer a mail app adds to a reply ("Sent from my iPhone", "Von meinem iPhone gesendet",
"iPhoneから送信", "Get Outlook for iOS"), in many languages.

One rule for them all: a line that is only "<sent-from phrase> <device or app>" (plus a link
or "(www…)"), where the device or app names a phone, tablet or mail app. "Sent from my phone,
sorry for typos." goes on after the device: the member wrote it, and it stays.
"""

# The words below are Cyrillic, Greek and CJK on purpose: the languages mail clients write.
# ruff: noqa: RUF001

from __future__ import annotations

import re

# No separator, header or footer line is this long; longer lines are the member's text and
# skip those patterns, which keeps every line's cost bounded whatever it holds.
LINE_PATTERN_MAX_CHARS = 1000
_FOOTER_MAX_CHARS = 160

_DEVICE_WORDS = re.compile(
    r"iphon|ipad|ipod|android|xperia|sony|nokia|motorola|oppo|realme|mobil|móvil|movil|celular|telemóvel|phone|telefon|телефон|"
    r"smartfon|galaxy|samsung|huawei|xiaomi|pixel|oneplus|blackberry|outlook|yahoo|gmail|aol|"
    r"mail|почт|superhuman|spark|proton|tutanota|tuta|bluemail|k-9|fairemail|nine|hey\b|"
    r"fastmail|zoho|gmx|web\.de|naver|windows|\bios\b|handy|tablet|watch|apple|edison|airmail|"
    r"newton|thunderbird|boxer|手机|手機|携帯|スマートフォン|휴대폰|갤럭시|아이폰|모바일",
    re.IGNORECASE,
)
# Every footer above has one of these words: a cheap test that rules out most lines.
_SENDING_WORDS = re.compile(
    r"sent|gesendet|envoy|寄件者|envi[ao]d|inviato|verzonden|verstuurd|wysłan|отправлено|надіслано|"
    r"відправлено|skickat|sendt|lähetetty|odeslán|odoslan|trimis|στάλθηκε|送信|보냄|보낸|보냈|발송|"
    r"gönderildi|küldve|发送|傳送|發送|发自|發自|来自|來自|从我的|從我的|outlook|get|download|"
    r"αποστολή|נשלח|أرسلت|أُرسلت|الإرسال|gửi|dikirim|poslano|poslato|изпратено|nachricht",
    re.IGNORECASE,
)
_DEVICE = r"(?P<device>[^,;:!?<>。]{1,60}?)"
_OWNER = r"(?:(?:my|mein(?:em)?|mon|ma|mi|meu|mio|il\s+mio|mijn|min|mojego|moego|моего)\s+)?"
_FOOTERS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"sent\s+(?:from|with|via|using|on|by)\s+(?:the\s+)?{_OWNER}{_DEVICE}",
        rf"(?:von|mit)\s+{_OWNER}{_DEVICE}\s+gesendet",
        rf"gesendet\s+(?:von|mit|vom)\s+{_OWNER}{_DEVICE}",
        rf"envoyé\s+(?:de|depuis|à\s+partir\s+de|avec|par)\s+{_OWNER}{_DEVICE}",
        rf"envi(?:ado|ada)\s+(?:desde|con|de|do|pelo|a\s+partir\s+do|via)\s+{_OWNER}{_DEVICE}",
        rf"inviato\s+(?:da|dal|con|tramite)\s+{_OWNER}{_DEVICE}",
        rf"(?:verzonden|verstuurd)\s+(?:vanaf|van|met|via|vanuit)\s+{_OWNER}{_DEVICE}",
        rf"wysłan[eoa]\s+(?:z|ze|przez)\s+{_OWNER}{_DEVICE}",
        rf"(?:отправлено|надіслано|відправлено)\s+(?:с|из|со|з|із)\s+{_OWNER}{_DEVICE}",
        rf"(?:skickat|sendt|sent)\s+(?:från|fra|frå)\s+{_OWNER}{_DEVICE}",
        rf"(?:lähetetty|odesláno\s+ze?|odoslané\s+z|trimis\s+de\s+pe|στάλθηκε\s+από)\s+{_DEVICE}",
        rf"{_DEVICE}\s+(?:gönderildi|küldve)",
        rf"αποστολή\s+από\s+(?:το\s+)?{_DEVICE}",
        rf"נשלח\s+מ(?:ה-?)?{_DEVICE}",
        rf"(?:أرسلت|أُرسلت|تم\s+الإرسال)\s+من\s+{_DEVICE}",
        rf"(?:gửi\s+từ|dikirim\s+dari|изпратено\s+от)\s+{_DEVICE}",
        rf"posla(?:no|to)\s+(?:s|sa|z|iz)\s+{_DEVICE}",
        rf"diese\s+nachricht\s+wurde\s+(?:von|mit)\s+{_OWNER}{_DEVICE}\s+gesendet",
        # a carrier's footer names the phone after a comma
        r"sent\s+(?:from|via)\s+(?:the\s+)?(?:my\s+)?[^,;:!?<>]{1,60}?,\s+(?:an?\s+)?"
        r"(?P<device>[^,;:!?<>]{1,60}?smartphone)",
        rf"{_DEVICE}\s*(?:から送信|から送信しました|より送信)",
        rf"寄件者為我的\s*{_DEVICE}",
        rf"(?:从|從|来自|來自|发自|發自)\s*我的\s*{_DEVICE}(?:\s*(?:发送|傳送|發送))?",
        rf"(?:나의\s*)?{_DEVICE}\s*에서\s*(?:보냄|보낸\s*메일|발송|보냈습니다)",
        r"(?P<device>(?:get|download)\s+(?:the\s+)?(?:outlook|bluemail|spark|[\w-]+\s+mail)"
        r"\s+(?:app\s+)?for\s+(?:ios|android|iphone|windows|mac))",
        r"(?P<device>(?:holen\s+sie\s+sich\s+)?outlook\s+für\s+(?:ios|android)(?:\s+herunterladen)?"
        r"|(?:obtenir|télécharger)\s+outlook\s+pour\s+(?:ios|android)"
        r"|(?:obtener|descargar|descarga)\s+outlook\s+para\s+(?:ios|android)"
        r"|baixe\s+o\s+outlook\s+para\s+(?:ios|android)|(?:scarica|ottieni)\s+outlook\s+per\s+"
        r"(?:ios|android)|outlook\s+voor\s+(?:ios|android)(?:\s+downloaden)?"
        r"|(?:hent|få|hämta|skaffa)\s+outlook\s+(?:til|för|for)\s+(?:ios|android)"
        r"|pobierz\s+(?:aplikację\s+)?outlook\s+dla\s+(?:systemu\s+)?(?:ios|android)"
        r"|(?:скачайте|загрузите|получите)\s+outlook\s+для\s+(?:ios|android)"
        r"|(?:获取|取得|下载)\s*outlook\s*for\s*(?:ios|android)"
        r"|(?:ios|android)\s*版\s*outlook\s*を入手|outlook\s+for\s+(?:ios|android)\s*받기)",
    )
]
# A link, "(www.blackberry.com)" or "[1]" the app puts after its name.
_LINK = re.compile(r"<[^<>\s]{1,300}>|\(\s*(?:https?://|www\.)[^()\s]{0,300}\s*\)|\[\d{1,2}\]")
_APOLOGY = re.compile(
    r"[.,]?\s*(?:please\s+)?(?:excuse|pardon|forgive)\s+(?:my\s+|the\s+|any\s+)?"
    r"(?:brevity|typos|briefness|spelling)(?:\s+and\s+(?:brevity|typos))?\.?$",
    re.IGNORECASE,
)


def is_mobile_footer(line: str) -> bool:
    """True for a line such as "Sent from my iPhone" (in several languages), alone or with
    a <link> after it."""
    stripped = line.strip()
    if len(stripped) > _FOOTER_MAX_CHARS or not _SENDING_WORDS.search(stripped):
        return False
    if not _DEVICE_WORDS.search(stripped):
        return False
    text = " ".join(_LINK.sub(" ", stripped).split())
    text = _APOLOGY.sub("", text).rstrip(" .。!")
    for pattern in _FOOTERS:
        match = pattern.fullmatch(text)
        if match and _DEVICE_WORDS.search(match.group("device")):
            return True
    return False
