"""Mail coming in: members' replies read from IMAP, a Maildir or stdin, routed to their group
and sealed into its journal; automatic mail, bounces and STOP requests handled on the way."""
