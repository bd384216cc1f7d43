"""The header block and separator lines Outlook and most webmail put above a quoted original.

"From: … / Sent: … / To: … / Subject: …" in the client's language ("Von:/Gesendet:/An:/
Betreff:", "De :/Envoyé :/À :/Objet :", "发件人:/发送时间:", "差出人:/送信日時:", …), bold
("*From:*") when it comes from HTML, and "-----Original Message-----" style separators.
"""

# The words below are Cyrillic, Greek and CJK on purpose: the languages mail clients write.
# ruff: noqa: RUF001

from __future__ import annotations

import re

# A header label ("From:", "Gesendet:") is found within a line's first characters.
_LABEL_SCAN_CHARS = 200
_BLOCK_LOOKAHEAD = 8

_LABELS = {
    "from": (
        "from", "von", "de", "van", "fra", "da", "från", "od", "от", "від", "kimden",
        "lähettäjä", "feladó", "afzender", "absender", "expéditeur", "remitente", "mittente",
        "发件人", "發件人", "寄件者", "寄件人", "差出人", "送信者", "보낸 사람", "보낸사람",
        "발신", "발신자",
        "from name", "sender", "avsändare", "odesílatel", "nadawca", "відправник", "de la",
        "από", "šalje", "من", "מאת", "từ", "dari", "nuo", "no", "saatja",
    ),
    "date": (
        "sent", "date", "gesendet", "datum", "envoyé", "verzonden", "sendt", "inviato", "data",
        "enviado", "enviada", "fecha", "skickat", "wysłano", "wysłane", "отправлено", "дата",
        "надіслано", "відправлено", "gönderildi", "tarih", "lähetetty", "päivämäärä",
        "elküldve", "dátum", "odesláno", "datum odeslání", "发送时间", "發送時間", "日期",
        "时间", "時間", "寄件日期", "送信日時", "日付", "날짜", "보낸 날짜", "sent at",
        "date sent", "trimis", "poslano", "sendt dato", "verstuurd", "dato", "päiväys",
        "datum verzonden", "fecha de envío", "envoyé le", "enviada em", "enviado em",
        "enviado el", "στάλθηκε", "تاريخ الإرسال", "נשלח", "đã gửi", "dikirim", "odoslané",
        "enviat el", "изпратено", "poslato", "išsiųsta", "nosūtīts", "saadetud",
    ),
    "to": (
        "to", "an", "à", "a", "aan", "til", "till", "para", "cc", "kopie", "bcc", "do",
        "кому", "копия", "копія", "kime", "vastaanottaja", "címzett", "komu", "kopia",
        "收件人", "收件者", "抄送", "副本", "宛先", "받는 사람", "받는사람", "참조", "destinataire",
        "destinatario", "destinatari", "ontvanger", "mottagare", "modtager", "către",
        "수신", "수신자",
        "kopio", "cci", "cco", "copia", "προς", "prima", "إلى", "אל", "đến", "kepada",
        "per a", "до", "za", "kam", "adressaat",
    ),
    "subject": (
        "subject", "betreff", "objet", "onderwerp", "emne", "oggetto", "asunto", "assunto",
        "ämne", "temat", "тема", "konu", "aihe", "tárgy", "předmět", "主题", "主題", "主旨",
        "件名", "제목", "subiect", "predmet", "sujet", "θέμα", "الموضوع", "נושא", "chủ đề",
        "subjek", "tema", "относно", "tēma", "teema", "zadeva",
    ),
}  # fmt: skip
_LABEL_TO_KIND = {label: kind for kind, labels in _LABELS.items() for label in labels}
_HEADER_LINE = re.compile(r"^\*{0,2}([^\W\d_]+(?: [^\W\d_]+){0,2})\*{0,2}\s*[:：]\*{0,2}(?:\s|$)")

_ORIGINAL_PHRASES = (
    "original message", "original mail", "original e-mail", "original email",
    "ursprüngliche nachricht", "originalnachricht", "ursprüngliche e-mail",
    "message d'origine", "message d’origine", "message original", "courriel original",
    "oorspronkelijk bericht", "origineel bericht", "mensaje original", "correo original",
    "messaggio originale", "mensagem original", "oprindelig meddelelse",
    "original meddelelse", "opprinnelig melding", "oprindelig besked", "original besked",
    "opprinnelig e-post", "original melding", "alkuperäinen sähköposti", "originalmelding",
    "ursprungligt meddelande",
    "originalmeddelande", "alkuperäinen viesti", "původní zpráva", "pôvodná správa",
    "oryginalna wiadomość", "wiadomość oryginalna", "исходное сообщение",
    "оригинальное сообщение", "оригінальне повідомлення", "вихідне повідомлення",
    "orijinal ileti", "özgün ileti", "eredeti üzenet", "mesaj original", "αρχικό μήνυμα",
    "原始邮件", "原始郵件", "原邮件", "原郵件", "元のメッセージ", "オリジナルメッセージ",
    "원본 메시지", "원래 메시지", "original-nachricht", "reply message",
    "forwarded message", "forwarded e-mail", "weitergeleitete nachricht", "message transféré",
    "mensaje reenviado", "messaggio inoltrato", "mensagem encaminhada", "doorgestuurd bericht",
    "videresendt meddelelse", "videresendt melding", "vidarebefordrat meddelande",
    "välitetty viesti", "přeposlaná zpráva", "przekazana wiadomość", "wiadomość przekazana",
    "пересылаемое сообщение", "переслане повідомлення", "iletilen ileti", "továbbított üzenet",
    "원본 이메일", "원본 메일", "原始信息", "原始訊息",
    "转发邮件", "轉寄郵件", "転送メッセージ", "전달된 메시지",
)  # fmt: skip
_PHRASES = "|".join(re.escape(p) for p in sorted(_ORIGINAL_PHRASES, key=len, reverse=True))
_RULE = r"[-_=—–\u2014\s]"
# "-----Original Message-----", "-------- Message transféré --------", "原始邮件" alone.
SEPARATOR_LINE = re.compile(rf"^{_RULE}*(?:{_PHRASES}){_RULE}*[:：]?{_RULE}*$", re.IGNORECASE)
FORWARD_LINE = re.compile(
    r"^(?:begin forwarded message|anfang der weitergeleiteten (?:nachricht|e-mail)|"
    r"début du message réexpédié|inicio del mensaje reenviado|inizio messaggio inoltrato|"
    r"início da mensagem reencaminhada|begin doorgestuurd bericht|"
    r"начало пересылаемого сообщения|転送されたメッセージ|转发的邮件)\s*[:：]$",
    re.IGNORECASE,
)
# GroupWise writes ">>> Peer Learning <j@example.org> 11/3/2026 9:00 AM >>>" above the
# original, which follows without quote marks.
_GROUPWISE_END = re.compile(r"\s\d{1,2}:\d{2}(?:\s?[AaPp][Mm])?\s>>>$")
_GROUPWISE_TAIL_CHARS = 20


def is_groupwise_header(stripped: str) -> bool:
    return (
        stripped.startswith(">>> ")
        and "@" in stripped
        and bool(_GROUPWISE_END.search(stripped[-_GROUPWISE_TAIL_CHARS:]))
    )


# A rule with a title in it, whatever the language, when a header block follows it.
TITLED_RULE = re.compile(r"^[-—–=_]{4,}[^-—–=_\d]{1,60}[-—–=_]{4,}$")
UNDERSCORE_LINE = re.compile(r"^(?:_{10,}|-{10,}|—{8,}|={10,})$")


def header_kind(line: str) -> str | None:
    label = line.strip().lstrip(">").strip()[:_LABEL_SCAN_CHARS]
    match = _HEADER_LINE.match(label)
    if not match:
        return None
    return _LABEL_TO_KIND.get(match.group(1).lower())


def header_block_length(lines: list[str], start: int, *, after_separator: bool = False) -> int:
    """Length of a From/Sent/To/Subject block at `start`; 0 when there is none.

    A lone "From: my experience..." line is the member's own text: a block needs a sender,
    a date and a recipient or subject line, together without blank lines. It starts with the
    sender (GMX starts with the date), or with any header right under a separator line.
    """
    first = header_kind(lines[start])
    if first is None or (first not in ("from", "date") and not after_separator):
        return 0
    seen = {first}
    end = start + 1
    while end < len(lines) and end <= start + _BLOCK_LOOKAHEAD and lines[end].strip():
        kind = header_kind(lines[end])
        if kind == first and kind in ("from", "date"):
            break
        if kind:
            seen.add(kind)
        end += 1
    complete = {"from", "date"} <= seen and bool({"to", "subject"} & seen)
    return end - start if complete and _values_look_like_headers(lines[start:end]) else 0


def _values_look_like_headers(block: list[str]) -> bool:
    """A sender is a name or an address, not a sentence; a date has a digit in it.
    "From: my side, it went well." / "Date: not fixed yet" are the member's."""
    for line in block:
        kind = header_kind(line)
        value = line.split(":", 1)[-1].split("：", 1)[-1].strip(" *")
        if kind == "from" and "@" not in value and value.endswith((".", "!", "?")):
            return False
        if kind == "date" and not any(ch.isdigit() for ch in value):
            return False
    return True
