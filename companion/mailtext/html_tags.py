"""What mail clients' HTML means for its text: which tags are skipped, which break lines,
and the classes and ids they give signatures and quoted originals."""

SKIPPED_TAGS = {"style", "script", "head", "title", "template", "noscript"}
BLOCK_TAGS = {
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "table",
    "tbody",
    "thead",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "address",
    "center",
    "figure",
    "dl",
    "dt",
    "dd",
}
PARAGRAPH_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table"}
# Containers whose whole content is the quote or the client's signature.
DROPPED_CLASSES = {
    "gmail_quote",
    "gmail_extra",
    "gmail_signature",
    "yahoo_quoted",
    "moz-cite-prefix",
    "moz-signature",
    "protonmail_quote",
    "zmail_extra",
}
DROPPED_IDS = {"ms-outlook-mobile-signature", "signature", "ymail_android_signature"}
# Outlook marks where its quote begins; everything from there on is the original message.
CUT_IDS = {
    "appendonsend",
    "divrplyfwdmsg",
    "x_appendonsend",
    "x_divrplyfwdmsg",
    "mail-editor-reference-message-container",
}
