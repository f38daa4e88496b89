"""Heuristics as data: the lines that scraped news carries but that are not the article.

Nothing here runs; :mod:`searchnews.cleaning` applies these tables. Every
pattern is matched against a whole line (after whitespace is normalised), so a
body paragraph that merely *starts* with "Source" or "Read" is never taken for
boilerplate: a pattern must describe the line's entire shape.

Terms:
    promo line
        A site's own advertising inside the article: "Follow us on ...",
        "PAY ATTENTION: ...", "Advertisement", newsletter and cookie lines.
    related marker
        A line such as "Read also" that introduces the headline of another
        article; the marker and the headline after it are both dropped.
    credit
        The photographer or agency appended to a caption ("Photo: X/AFP").
    disclaimer
        An agency's legal notice at the end of wire copy.
    stamp
        A line carrying the publication or update time.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

#: Whole-line promotional and navigation lines, in English, French and German.
PROMO_LINES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, _I)
    for p in (
        r"PAY ATTENTION\s*:.*",
        r"(?:PAY ATTENTION\s*:\s*)?Follow us on .{0,100}",
        r"New feature\s*:.*",
        r"(?:ADVERTISEMENT|Advertisement|Advertising|Sponsored( content)?)",
        r"(?:Continue|Keep) reading( below| the main story)?\.?",
        r"Story continues below( this)?( advertisement| ad)?\.?",
        r"Subscribe (now|today|to (our|the) \w+.{0,80})[.!]?",
        r"Sign up (for|to) (our|the) .{0,80}",
        r"(Get|Receive) (our|the) .{0,40}newsletter.{0,60}",
        r".{0,40}\bnewsletter\b.{0,40}(sign up|subscribe|inbox).{0,40}",
        r"Share (this|on|the) (article|story|page|facebook|twitter|x)\b.{0,80}",
        r"(?:[-*•]\s*)?(Share|Share this|Link this|Tweet|Email|Email this|Print|WhatsApp|Facebook|Twitter|LinkedIn"
        r"|Copy link)(\s*[|/·,]?\s*(Share|Tweet|Email|Print|WhatsApp|Facebook|Twitter|LinkedIn|Copy link|Telegram))*",
        r"(We|This (site|website)) uses? cookies.{0,200}",
        r"Cookies (help|allow|enable) us .{0,200}",
        r"By (using|continuing to use|browsing) (our|this) (site|website|services),? you (agree|accept|consent)"
        r".{0,120}",
        r"(Accept|Reject|Manage) (all )?cookies.{0,40}",
        r"(Click|Tap) here to .{0,100}",
        r"Download (our|the) .{0,30}app.{0,80}",
        r"Listen to (this|the) (article|story).{0,30}",
        r"Skip to (main )?content",
        r"(Watch|Video)\s*:\s*.{0,100}",
        r"Publicit[ée]",
        r"Abonnez-vous.{0,100}",
        r"Suivez-nous .{0,100}",
        r"Inscrivez-vous .{0,100}",
        r"Partager (cet article|sur) .{0,60}",
        r"Anzeige",
        r"Werbung",
        r"Folgen Sie uns .{0,100}",
        r"Jetzt abonnieren.{0,80}",
        r"Artikel teilen.{0,60}",
    )
)

#: An avatar label that some sites print next to an author or agency name: "AFP avatar".
AVATAR = re.compile(r"(?P<name>.{1,40}?)\s+avatar", _I)

#: A line that introduces a related article's headline (alone, or "Related: X").
RELATED_MARKER = re.compile(
    r"(?P<marker>Read also|Also read|Read more|READ MORE|Related|Related articles?|"
    r"Related stories|See also|More on this story|Lire aussi|À lire aussi|A lire aussi|"
    r"Lire également|Voir aussi|Lesen Sie auch|Auch interessant|Mehr zum Thema)"
    r"\s*(?::\s*(?P<rest>.*))?",
    _I,
)

#: The longest line taken as the related headline after a marker.
RELATED_HEADLINE_MAX_WORDS = 20

#: A credit appended to a caption: "... . Photo: STR / AFP/File".
CREDIT_SUFFIX = re.compile(
    r"\.?\s*(?:Photo|Photos|Picture|Image|Foto|Bild|Credit|Photo credit|Crédit photo|"
    r"Photographie)\s*:\s*\S.{0,120}$",
    _I,
)

#: A credit in brackets at the end of a caption line: "(Photo: Getty Images)".
INLINE_CREDIT = re.compile(
    r"\s*[(\[](?:Photo|Picture|Image|Foto|Bild|Credit|Photo credit|Crédit photo)\s*:\s*"
    r"[^)\]]{1,120}[)\]]\.?\s*$",
    _I,
)

#: A line that is a caption by its prefix: "Image caption, Crowds gather ...".
CAPTION_PREFIX = re.compile(
    r"(?:Image caption|Caption|Photo caption|Légende|Bildunterschrift)\s*[,:]\s*(?P<caption>\S.*)",
    _I,
)

#: A line that is only a credit: "Image source, Getty Images", "Photo credit: X".
CREDIT_LINE = re.compile(
    r"(?:Image source|Photo credit|Image credit|Picture credit|Photo|Credit|Crédit photo|"
    r"Bildquelle|Foto)\s*[,:]\s*\S.{0,80}",
    _I,
)

#: "Source: AFP" on its own line; the value must look like a name, not a sentence.
SOURCE_LINE = re.compile(r"(?:Source|Quelle)\s*:\s*(?P<value>[^.!?]{1,60})", _I)
SOURCE_MAX_WORDS = 6

#: "Authors:" alone (names follow on the next lines) or "Author: Jane Doe".
AUTHORS_LINE = re.compile(r"(?:Authors?|Auteurs?|Autor(?:en)?|Written by)\s*:\s*(?P<value>.*)", _I)

#: A byline: "By Jane Doe", "By Jane Doe and John Roe", "Par Marie Dupont", "Von Hans Maier".
BYLINE = re.compile(
    r"(?:By|Par|Von|Por|Door|Di)\s+(?P<names>[A-ZÀ-Ý][\w.'’-]+(?:\s+[A-ZÀ-Ý][\w.'’-]+){0,3}"
    r"(?:\s*(?:,|\band\b|\bet\b|\bund\b|&)\s*[A-ZÀ-Ý][\w.'’-]+(?:\s+[A-ZÀ-Ý][\w.'’-]+){0,3})*)"
    r"(?:\s*[,|–—-]\s*.{0,60})?"
)

#: Reuters-style credits: "(Reporting by X in Seoul; Additional reporting by Y; Editing by Z)".
#: The credits may be hard-wrapped over several lines; they end at the closing bracket.
REPORTING_START = re.compile(r"\(\s*(?:Reporting|Additional reporting|Writing|Reported|Compiled) by\b", _I)
REPORTING_LINE = re.compile(
    r"\(?\s*(?:Reporting|Additional reporting|Writing|Reported|Compiled) by [^)]{1,400}\)?\.?", _I)
#: One credit inside them; ``role`` tells reporters (authors) from editors (not authors).
REPORTING_CREDIT = re.compile(r"(?P<role>[A-Za-z ]+?) by (?P<names>[^;]+)", _I)
REPORTER_ROLES = ("reporting", "additional reporting", "writing", "reported", "compiled")
#: The most lines hard-wrapped credits may take.
REPORTING_MAX_LINES = 4

#: Where a reporter name carries a place: "Jane Doe in Seoul", "Jane Doe at the United Nations".
REPORTER_PLACE = re.compile(r"\s+(?:in|at|from)\s+(?:the\s+)?[A-Z][\w .'-]*$")

#: A job title after a name in a byline ("Jane Doe, Health Correspondent"): not a name.
JOB_TITLE = re.compile(r"\b(?:Correspondent|Editor|Reporter|Writer|Journalist|Columnist|Contributor|Producer"
                       r"|Analyst|Critic|Photographer|Chroniqueur|Journaliste|Redakteur(?:in)?|Korrespondent(?:in)?)s?$")

#: Splits a list of names: "A, B and C".
NAME_SEPARATORS = re.compile(r"\s*(?:;|,|\band\b|\bet\b|\bund\b|&)\s*")

#: A time stamp line. ``kind`` says whether it is the publication or an update.
#: The date after a stamp's label starts with a digit or a day or month name ("Date of quote: …" is no stamp).
_DATE_START = (r"(?=\d|(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|f[ée]v|mar|apr|avr|may|mai|jun|juin|jul|juil|aug|ao[uû]"
               r"|sep|oct|okt|nov|dec|d[ée]c|dez|m[äa]r|lun|mer|jeu|ven|sam|dim|die|mit|don|fre|son)\w*\b)")
STAMP_LINES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("updated", re.compile(
        r"(?:Last updated|Updated|Mis à jour(?: le)?|Aktualisiert(?: am)?)\b\s*(?:on\b\s*)?:?\s*"
        + _DATE_START + r"(?P<date>.{6,60})", _I)),
    ("published", re.compile(
        r"(?:Published|Posted|First published|Publié(?: le)?|Veröffentlicht(?: am)?|Stand|Datum|Date)\b"
        r"\s*(?:on\b\s*)?:?\s*" + _DATE_START + r"(?P<date>.{6,60})", _I)),
    # CNN: "July 24, 2014 -- Updated 1207 GMT (2007 HKT)": the date is the publication's.
    ("published", re.compile(r"(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})\s*-{1,2}\s*Updated\b.{0,40}", _I)),
)
#: Stamps and "Source:" lines are metadata only this near the top (in non-blank lines) or the bottom
#: of the article; elsewhere they are text ("Source: NHS" under a chart, "Dates: 25-29 August").
META_EDGE_TOP = 5
META_EDGE_BOTTOM = 4

_RELATIVE_KIND = (r"(?:(?P<kind>Last updated|Updated|Published|Posted|Mis à jour|Publié|Aktualisiert|"
                  r"Veröffentlicht)\s*:?\s*)?")
#: A relative stamp: "3 hours ago", "Updated 2 days ago", "il y a 5 heures", "vor 3 Stunden".
#: It gives a date only against a reference date (when the page was scraped).
RELATIVE_STAMPS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(_RELATIVE_KIND + p, _I)
    for p in (
        r"(?P<n>\d{1,3}|an?|one)\s+(?P<unit>[a-z]+)\s+ago",
        r"il y a\s+(?P<n>\d{1,3}|une?)\s+(?P<unit>[a-zé]+)",
        r"vor\s+(?P<n>\d{1,3}|einer|einem)\s+(?P<unit>[a-zä]+)",
    )
)
#: Unit words of relative stamps to seconds.
RELATIVE_UNITS: dict[str, int] = {
    **dict.fromkeys(("min", "mins", "minute", "minutes", "minuten"), 60),
    **dict.fromkeys(("hr", "hrs", "hour", "hours", "heure", "heures", "stunde", "stunden"), 3600),
    **dict.fromkeys(("day", "days", "jour", "jours", "tag", "tagen"), 86400),
    **dict.fromkeys(("week", "weeks", "semaine", "semaines", "woche", "wochen"), 7 * 86400),
}
#: Number words of relative stamps ("an hour ago", "il y a une heure", "vor einer Stunde").
RELATIVE_ONE = frozenset({"a", "an", "one", "un", "une", "einer", "einem"})

#: A line that is nothing but a date: "2022-11-26", "26/11/2022 14:05", "November 22, 2022",
#: "Tuesday 22 November 2022, 14:05 GMT".
BARE_DATE_LINE = re.compile(
    r"(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?(?:Z|[+-]\d{2}:?\d{2})?|"
    r"\d{1,2}[/.]\d{1,2}[/.]\d{4}(?:,?\s+\d{1,2}:\d{2})?|"
    r"(?:[A-Z][a-z]+day,?\s+)?(?:\d{1,2}\.?\s+[A-Za-zéûä]{3,10}\.?\s+\d{4}|[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.h]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{2,5})?)?)"
)

#: Agency legal notices. Matched anywhere in a line; the line is dropped.
DISCLAIMERS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, _I)
    for p in (
        r"\b(?:AFP|Agence France-Presse)\b.{0,200}\b(?:may|shall) not be "
        r"(?:published|republished|reproduced|redistributed|broadcast|stored)",
        r"^This (?:article|story|content) (?:was|is) (?:produced|provided|supplied) by .{3,60} "
        r"(?:and is )?(?:published|republished|used) .{0,60}(?:licen[cs]e|permission|agreement)\b.*",
        r"\bAFP will not be held liable\b",
        r"\bAFP does not obtain releases\b",
        r"may not be published, broadcast, rewritten,? or redistributed",
        r"Thomson Reuters Trust Principles",
        r"^Our Standards:",
        r"^(?:Copyright|©|\(c\))\s*(?:\d{4}\s*)?(?:The )?(?:Associated Press|AP|AFP|Reuters|dpa)\b.*",
        r"\bdpa\b.{0,120}(?:Alle Rechte vorbehalten|all rights reserved)",
        r"^(?:©|Copyright).{0,120}(?:All rights reserved|Tous droits réservés|Alle Rechte vorbehalten)",
    )
)

#: Every disclaimer pattern contains one of these (lower-cased): a line with none of them
#: is not searched with the patterns (most lines, and the patterns scan every position).
DISCLAIMER_HINTS = ("afp", "agence france", "this ", "not be",
                    "reuters", "our standards", "copyright", "©", "(c)", "dpa")

#: The agency a disclaimer names: the article's source when nothing else gives one.
DISCLAIMER_AGENCY = re.compile(r"\b(AFP|Agence France-Presse|Associated Press|AP|Reuters|dpa)\b")

#: Agency names as written in bylines and datelines, to their canonical form.
AGENCIES: dict[str, str] = {
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "ap": "AP",
    "associated press": "AP",
    "the associated press": "AP",
    "dpa": "dpa",
    "deutsche presse-agentur": "dpa",
    "upi": "UPI",
    "bloomberg": "Bloomberg",
    "xinhua": "Xinhua",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "efe": "EFE",
    "ansa": "ANSA",
    "pa": "PA",
    "pa media": "PA",
}

#: A wire reporter's title under a byline: "AP Sports Writer", "Associated Press Writer".
AGENCY_TITLE = re.compile(
    r"(?P<agency>AP|Associated Press|AFP|Reuters|dpa)(?:\s+[A-Z][a-z]+){0,2}\s+"
    r"(?:Writer|Correspondent|Reporter|Editor|Journalist)")

#: Words that stand where an author's name would but name nobody.
GENERIC_AUTHORS = frozenset({
    "staff", "staff writer", "staff writers", "staff reporter", "editor", "editors", "editorial",
    "editorial staff", "news desk", "newsdesk", "web desk", "admin", "administrator", "rédaction",
    "la rédaction", "redaktion", "correspondent", "our correspondent", "agencies", "wires",
})

#: A dateline at the start of the first paragraph: "NAIROBI, Kenya (AP) — ".
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'-]{1,40}(?:,\s+[A-Z][A-Za-z .'-]{1,30})?)"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*"
    r"\((?P<agency>AP|AFP|Reuters|dpa|UPI|Bloomberg|Xinhua|Yonhap|Kyodo|EFE|ANSA)\)\s*[—–-]{1,2}\s*"
)

#: Month names in French and German, for the date parser.
MONTH_NAMES: dict[str, str] = {
    "janvier": "January", "février": "February", "fevrier": "February", "mars": "March",
    "avril": "April", "mai": "May", "juin": "June", "juillet": "July", "août": "August",
    "aout": "August", "septembre": "September", "octobre": "October", "novembre": "November",
    "décembre": "December", "decembre": "December",
    "januar": "January", "jänner": "January", "februar": "February", "märz": "March",
    "maerz": "March", "juni": "June", "juli": "July", "oktober": "October", "dezember": "December",
}

#: A headline is a short line: longer first lines are taken as body text.
HEADLINE_MAX_CHARS = 300

#: Hard-wrapped text: runs of lines no longer than this are joined into one paragraph.
HARD_WRAP_MAX_CHARS = 100


# ---------------------------------------------------------------------------
# Page chrome: a whole web page saved as text (see :mod:`searchnews.ingest.pagechrome`)

#: jusText's thresholds, applied to lines (or hard-wrapped paragraphs) instead of HTML blocks:
#: shorter than ``LENGTH_LOW`` characters is *short* (decided by its neighbours); a stop-word
#: density of ``STOPWORDS_HIGH`` over ``LENGTH_HIGH`` characters is *good* (article text);
#: above ``STOPWORDS_LOW`` it is *near-good*; below, *bad* (chrome).
CHROME_LENGTH_LOW = 70
CHROME_LENGTH_HIGH = 120
CHROME_STOPWORDS_LOW = 0.30
CHROME_STOPWORDS_HIGH = 0.32
#: A sentence (a capital, so many words, a final stop) with fewer stop words but this share is near-good, not bad:
#: "Deux agents supplémentaires seront recrutés pour assurer les nouvelles plages horaires."
CHROME_SENTENCE_STOPWORDS = 0.2
CHROME_SENTENCE_WORDS = 8
#: Languages written without spaces between words: lengths count characters, not stop words.
CHROME_NO_SPACES = frozenset({"zh", "ja", "th", "lo", "km", "my"})
#: A chrome segment between two parts of an article weighs at least this many characters against joining them.
CHROME_MIN_PENALTY = 30
#: A page without one long paragraph is an article of short paragraphs when it has this many of medium length.
SHORT_PARAGRAPHS_MIN = 3
#: A short sentence right after the article's last paragraph, of at least this many words, ends the article.
CLOSING_MIN_WORDS = 4
#: A short segment the page repeats this many times is chrome: a section label over each teaser, "Reply".
CHROME_REPEATS = 3
#: A line in small letters carries on the line above only when one of the two is this long (prose, not tags).
CONTINUATION_MIN_CHARS = 40

#: ISO 639-1 codes to the names of jusText's stop-word lists (``justext.get_stoplist``).
STOPLISTS: dict[str, str] = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "sv": "Swedish", "da": "Danish", "no": "Norwegian_Bokmal", "nb": "Norwegian_Bokmal",
    "fi": "Finnish", "pl": "Polish", "cs": "Czech", "sk": "Slovak", "ro": "Romanian", "hu": "Hungarian",
    "tr": "Turkish", "ru": "Russian", "uk": "Ukrainian", "el": "Greek", "ar": "Arabic", "fa": "Persian",
    "he": "Hebrew", "hi": "Hindi", "id": "Indonesian", "ms": "Malay", "vi": "Vietnamese", "sw": "Swahili",
    "yo": "Yoruba", "ca": "Catalan", "hr": "Croatian", "sr": "Serbian", "bg": "Bulgarian", "sl": "Slovenian",
    "et": "Estonian", "lv": "Latvian", "lt": "Lithuanian", "ko": "Korean", "tl": "Tagalog", "af": "Afrikaans",
}

_WRITER_LINKS = (r"(?:(?:E-?mail|Contact|Message) the (?:author|writer|reporter)|Follow (?:me |him |her |them |us )?on "
                 r"(?:Twitter|Facebook|Instagram|LinkedIn|Google\+|Pinterest|YouTube|TikTok)|View/Post Comments"
                 r"|(?:View|Post|Read) (?:a |all )?comments?)")
#: Lines that are page chrome whatever their neighbours: the site speaking, not the story.
CHROME_LINES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, _I)
    for p in (
        r"(?:Skip|Jump|Go) to (?:main |the )?(?:content|navigation|search|article|menu|footer).{0,40}",
        r"(?:Aller|Passer) au (?:contenu|menu).{0,40}|Zum (?:Inhalt|Hauptinhalt) springen.{0,20}",
        r"(?:Menu|Search|Sign in|Log in|Login|Register|Subscribe|Home|Close|Open menu|Toggle navigation|Edition"
        r"|Menü|Suche|Anmelden|Rechercher|Se connecter|Connexion|S'abonner|Accueil|Startseite|About us|Contact(?: us)?"
        r"|Kontakt|Contacto|Contactez-nous|Nous contacter|Imprint|Aviso legal|Über uns|Qui sommes-nous)\s*:?",
        r".{0,120}\b(?:cookies?|privacy policy|terms of (?:use|service)|politique de confidentialité"
        r"|Datenschutz(?:erklärung)?|Impressum|mentions légales)\b.{0,200}",
        r"(?:©|\(c\)|Copyright|Copr\.).{0,200}",
        r".{0,80}\b(?:All rights reserved|Tous droits réservés|Alle Rechte vorbehalten)\b.{0,80}",
        r"\d+\s+(?:comments?|commentaires?|Kommentare?|shares?)",
        r"(?:\d+\s+)?(?:min(?:ute)?s?|Min\.?)\s+(?:read|de lecture|Lesezeit)|Lesezeit:?\s*\d+\s*Min(?:uten|\.)?",
        r"(?:Most (?:read|popular|viewed|shared)|Trending(?: now)?|Top stories|More (?:from|stories|news|on)\b.{0,40}"
        r"|You (?:may|might) also like|Recommended(?: for you)?|Les plus lus|Meistgelesen|À la une"
        r"|Latest (?:news|stories)|Popular now|Don't miss|Editor's picks?)\s*:?",
        r"(?:Back to top|Retour en haut|Nach oben)\W*",
        r"(?:Previous|Next) (?:article|story|page)\W*.{0,120}",
        r"(?:Comments?|Leave a comment|Join the conversation|Commentaires?|Kommentare?)\s*(?:\(\d+\))?:?",
        r"(?:Tags?|Topics?|Themen|Mots-clés|Related topics)\s*:.{0,200}",
        r"(?:Related Topics|Related Content|Sponsored Stories|Promoted Stories|Around the web)\W*",
        r"(?:Tweet|Link this|Share this|Email this|Share|Pin it|Email|Print|Reprints?|Permalink)\W*",
        # Picture galleries and pagers: "HIDE CAPTION", "View full size image", "<<", "7", "3 of 12".
        r"(?:Hide|Show|Close|Open) captions?|View (?:full size )?(?:image|photo|gallery|slideshow)s?"
        r"|(?:Next|Previous|Prev) (?:Slide|Image|Photo|Page)(?: (?:Next|Previous|Prev) (?:Slide|Image|Photo|Page))?",
        r"\d{1,3}|[<>«»‹›←→]{1,3}|\d{1,3} (?:of|/) \d{1,3}",
        # A time badge ("13h", "2d ago") and the comment system's own lines.
        r"\d{1,2} ?(?:s|m|h|d|w|min|hr|hrs)(?: ago)?|Reply|Report(?: abuse)?|Powered by \w[\w.]{0,30}|Sort by\b.{0,30}",
        r"(?:Filed|Posted) (?:under|in)\s*:?.{0,120}",
        # An e-mail address or a bare domain on a line of its own.
        r"[\w.+-]+@[\w-]+\.[\w.]{2,}|www\.[\w-]+(?:\.[\w-]+)+|[\w-]+\.(?:com|org|net|co\.uk|info)",
        # An image's file name (a picture's alt text): "IMG_1187.JPG", "harbour logo 2.jpg".
        r"[\w .()-]{1,60}\.(?:jpe?g|png|gif|webp|bmp|tiff?)",
        # A row of social networks: "Buzz up! Digg Fark Facebook Reddit Tumblr".
        r"(?:(?:Buzz up!?|Digg(?: this)?|Fark|Facebook|Reddit|Tumblr|Twitter|LinkedIn|Pinterest|Stumble ?Upon|Google\+"
        r"|WhatsApp|Email|Print|Share)[\s|·•,]*){3,}",
        # Links to the writer and the comments: "Email the author | Follow on Twitter", "View/Post Comments".
        rf"{_WRITER_LINKS}(?:\s*[|·•/,]\s*{_WRITER_LINKS})*",
    )
)

#: Separators of breadcrumbs and menus written on one line: ``Home › World › Europe``, ``News | Sport``.
CHROME_SEPARATORS = re.compile(r"\s(?:[|›»>·•/]|::|\\)\s")
#: A line of breadcrumbs or menu items: at least this many separators between short items.
CHROME_MIN_SEPARATORS = 2

#: A url on a line of its own (the page's address, printed by some scrapers).
URL_LINE = re.compile(
    r"(?:URL\s*:\s*)?(?P<url>(?:https?:)?//[\w.-]+\.[a-z]{2,}(?:/\S*)?|www\.[\w.-]+\.[a-z]{2,}/\S*)", _I)

#: A ``<title>``-style line: the headline, then the site's name after a separator.
TITLE_LINE = re.compile(r"(?P<headline>.{12,200}?)\s+(?:[|–—-]|::)\s+(?P<site>[^|–—]{2,60}?)")

#: A markdown heading or emphasis (html2text output): ``# Headline``, ``**Subhead**``.
MARKDOWN_HEADING = re.compile(r"#{1,6}\s+(?P<text>.*?)\s*#*")
#: A copyright line naming the site: "© 2024 Harbour Gazette. All rights reserved."
COPYRIGHT_SITE = re.compile(
    r"(?:©|\(c\)|Copyright)\s*(?:(?:19|20)\d\d\s*)?(?P<site>[^.|,©]{2,60}?)\s*(?:[.,|]\s*.{0,80})?", _I)
#: Markdown emphasis (html2text's ``<em>``): ``_The Interview_ Is a Pretty Smart Movie``, ``*Le Monde*``.
MARKDOWN_EMPHASIS = re.compile(r"(?<![\w*])([_*])(?=[^\s_*])(?P<text>.+?)(?<=[^\s_*])\1(?![\w*])")
#: A markdown link: ``[text](url)``.
MARKDOWN_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\([^)]*\)")
#: A list item: ``* item``, ``- item``, ``• item``, ``1. item`` (``+ item``: inscriptis' nested lists).
BULLET = re.compile(r"(?:[*+•·▪►◦‣–-]|\d{1,2}[.)])\s+(?P<text>\S.*)")

#: A headline has at least this many words and at most this many.
HEADLINE_MIN_WORDS = 3
HEADLINE_MAX_WORDS = 30
#: Where the readers' comments start: the article never runs past such a line.
COMMENTS_START = re.compile(
    r"(?:\d+\s+)?(?:Comments?|Reader comments|Leave a (?:comment|reply)|Add (?:a|your) comment"
    r"|Join the (?:conversation|discussion)|Commentaires?|Réagissez|Kommentare?|Diskussion"
    r"|Comments (?:from|by) (?:our )?[\w' ]{0,30}readers)\s*(?:\(\d+\))?\W*"
    r"|.{0,120}\b(?:wrote|says|said|a écrit|schrieb)\s*:"
    r"|Report this Comment.{0,120}", _I)
#: A comment's header names its writer and time: "On December 23, 2014, at 10:07 PM, jdoe wrote:",
#: "jdoe • 2 weeks ago" (a name, a separator, how long ago), "December 29, 2014 jdoe:" (a date, a user name).
COMMENT_HEADER = re.compile(r".{0,120}(?:\d{1,2}:\d{2}|\b(?:19|20)\d\d\b).{0,60}\b(?:wrote|says|a écrit|schrieb)\s*:"
                            r"|Report this Comment.{0,120}"
                            r"|[^•·|]{1,60}\s[•·|]\s(?:\d{1,3}|an?|one)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago"
                            r"|[A-Z][a-z]{2,8}\.? \d{1,2}, (?:19|20)\d\d,? (?:at \d{1,2}:\d{2} ?[ap]m )?[\w.-]{2,40}:",
                            _I)
#: A link under each comment: "Reply", "Report abuse" (two of them under a "Comments" heading: the comments).
COMMENT_MARKER = re.compile(r"(?:Reply|Report(?: abuse| comment)?|Flag|Like Reply|Répondre|Antworten|Responder)\W*", _I)
#: A comment system's own controls under its heading: at least so many within so many lines of it.
COMMENT_CONTROLS = re.compile(
    r"(?:Post (?:a |your )?comments?(?: \[ Discussion Guidelines\])?|Add (?:a |your )?comment|Leave a (?:comment|reply)"
    r"|(?:Sign|Log) ?in(?: to comment)?|To post comments,? sign in|Newest(?: \| Oldest)?|Oldest(?: \| Newest)?"
    r"|Sort by\b.{0,30}|Powered by \w[\w.]{0,30}|Get Livefyre|Discussion Guidelines|Comment policy"
    r"|Subscribe to comments)\W*", _I)
COMMENT_CONTROLS_MIN = 2
COMMENT_CONTROLS_WINDOW = 8
#: How many segments above the article block are searched for the headline (and how many into the block, past a
#: promotion or teaser that stands above the headline).
HEADLINE_SEARCH_LINES = 40
HEADLINE_BELOW_LINES = 8
#: What a byline or a date just under a headline-like line adds to its score as the page's headline.
HEADLINE_BYLINE_BONUS = 3.0
#: What a headline-like line gets for saying what the page's ``<title>``-style line says (in proportion to how far
#: their words agree, from this much: F1 of their stems), and for using the words of the article's first paragraphs.
HEADLINE_TITLE_BONUS = 4.5
HEADLINE_TITLE_AGREEMENT = 0.5
HEADLINE_ARTICLE_BONUS = 2.5
#: Words are compared by their first letters (a stemmer for any language).
STEM_LETTERS = 5
#: A line the page repeats more than twice is a label (the site's, a section's) when it has at most this many words,
#: else the headline its share boxes repeat.
LABEL_MAX_WORDS = 4
#: Each word of a headline-like line beyond this many lowers its score (a standfirst is longer than a headline).
HEADLINE_LONG_WORDS = 12
#: What a headline never holds: an e-mail address, a byline, a photo agency credit, a login prompt.
#: And what a photo's caption ends with: its credit in brackets after a sentence ("You are what you search. (The
#: Associated Press)"), an agency's or photographer's credit ("(AP Photo)", "(Photo by Jane Doe)"), a bracket
#: left empty by a renderer ("( )"); a line wholly in brackets, an image's file name ("harbour-view.jpg").
NOT_HEADLINE = re.compile(
    r"@\w|^(?:by|par|von)\s|\b(?:via|/)\s*(?:Getty|AP|AFP|Reuters|Shutterstock)\b|\bGetty Images\b"
    r"|logged in|\bsign (?:in|up)\b|\bnewsletter\b|\bsubscribe\b|\bcookies?\b"
    r"|[.!?][\"”’]?\s*[(\[][^()\[\]]{2,60}[)\]]\W*$|\((?:AP|AFP|Reuters|EPA|Getty)\b[^()]{0,40}\)\W*$"
    r"|\((?:Photo|Image|Picture|Foto)s?\s*(?:by\b|:|/|courtesy\b)[^()]{0,60}\)\W*$|\(\s*\)\W*$|^\(.*\)$"
    r"|\.(?:jpe?g|png|gif|webp)\b", _I)
#: A list of other stories after the article: at least this many titles with a byline or date under them, or
#: this many titles with a one-sentence teaser (of so many characters, ending with its stop) each.
TEASER_MIN_STARTS = 2
TEASER_MIN_ITEMS = 3
TEASER_MIN_CHARS = 40
TEASER_MAX_CHARS = 300
#: A line in title case has at least this share of its words capitalised, but for the small words that title
#: case leaves in small letters.
TITLE_CASE_SHARE = 0.8
TITLE_SMALL_WORDS = frozenset("a an the and or nor but of in on at to for by with from as vs via".split())
#: Function words (articles, prepositions, conjunctions, pronouns, auxiliaries) of the commonest news languages.
#: jusText's stop-word lists are far longer (they hold "point", "show", "david" and "john"): they measure prose, not
#: grammar. A line of capitalised words with none of these is people's names ("David Cenciotti, The Aviationist");
#: a line that ends with one is a sentence a renderer cut at a link ("Say what you will about"), not a headline.
FUNCTION_WORDS = frozenset(
    # English
    "a an the and or nor but of in on at to for by with from as into onto about than that this these those"
    " is are was were be been am has have had do does did will would can could should may might must"
    " i you he she it we they me him her us them my your his its our their who whom whose which what"
    # French
    " le la les l un une des du de d et ou mais à au aux en dans pour par sur avec sans sous que qui dont ce cet"
    " cette ces son sa ses leur leurs est sont été"
    # German
    " der die das dem den des ein eine einem einen einer eines und oder aber von zu zum zur mit für auf im in"
    " an am bei nach aus über unter ist sind war wird dass sein seine ihr ihre"
    # Spanish, Italian, Portuguese
    " el los las lo y e o pero del al con por para sin sobre entre es son su sus il gli lo della delle dei di"
    " da nel nella per che non é os as do da dos das no na nos nas em um uma".split())
#: A list of titles with dates is a box inside the article when at least this many long paragraphs follow it.
ARTICLE_GOES_ON = 2
#: A run of at least this many headlines in title case, one a line, is a menu of other stories wherever it stands.
TITLE_LIST_MIN_ITEMS = 4
#: ... and the list reaches the end of the article block but for this many segments (an advertisement), with at
#: most this many chrome segments (a label, "Editor's Picks") between two of its items.
TEASER_TAIL = 10
TEASER_MAX_GAP = 4
#: The title of a video or a gallery in a list of other stories: "VIDEO: Harbour seal pup rescued".
MEDIA_TITLE = re.compile(r"(?:VIDEO|WATCH|PHOTOS|GALLERY|LISTEN|AUDIO)\s*:\s*\S.{8,150}")
#: A line that gives a date has at most this many words ("on December 29, 2014 at 3:02 PM, updated ...").
DATED_MAX_WORDS = 10
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janvier|février|mars|avril|mai|juin|juillet|août|septembre"
          r"|octobre|novembre|décembre|januar|februar|märz|juni|juli|oktober|dezember)\.?")
#: A date as a stamp writes it, with its year or its time of day: "December 24, 2014", "24 Dec. 2014",
#: "2019-01-21", "12/24/2014", "12.29.14", "8:17 AM", "13:49".
STAMP_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b|\b\d{{1,2}}(?:st|nd|rd|th)?\.?\s+{_MONTH},?\s+(?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.](?:(?:19|20)\d\d|\d\d)\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\b\.?)?", _I)
#: Besides its dates and people's names (capitalised words), a stamp line holds only these words: "Joanne Anderson
#: By Joanne Anderson on December 24, 2014 at 8:17 AM, updated December 24, 2014 at 8:25 AM", "Submitted on Mon,
#: 2019-01-21 13:49", "Follow on Twitter on December 28, 2014 at 9:10 PM".
STAMP_WORDS = frozenset(
    "by on at in and updated posted published submitted modified filed written last first created edited"
    " am pm a.m p.m gmt bst utc est edt cst cdt pst pdt cet cest et pt of the le am um par von".split())
#: A stamp line has at most this many words.
STAMP_MAX_WORDS = 30
#: A closing blurb about the writer: "Jane Doe is a reporter at ...", "Jane writes about ...".
WRITER_BLURB = re.compile(
    r"(?:[A-Z][\w.'’-]+ ){0,2}[A-Z][\w.'’-]+ (?:is|was|has been|writes|covers|reports)\b.{0,100}?"
    r"\b(?:writer|editor|reporter|correspondent|columnist|journalist|contributor|consultant|author|photographer"
    r"|producer|blogger|founder|professor|fellow|director|analyst|intern|freelancer?|economist|researcher"
    r"|scientist)s?\b", _I)
#: The site promoting itself at the end of an article: in the second person or the imperative.
SITE_PROMO = re.compile(
    r"(?:Sign up|Subscribe|Follow us|Like us|Download|Get (?:the|our)|Join (?:us|our|the)|Click|Tap|Share (?:this|your)"
    r"|Tell us|Let us know|Send us|Email us|Contact us|Don't miss|Never miss|Want more|Read more|For more)\b", _I)
#: An investment disclosure at the end of an article: "Jane Doe owns shares of Apple.", "Disclosure: I am long AAPL",
#: "The Harbour Gazette has a disclosure policy."
DISCLOSURE = re.compile(
    r"Disclosures?\s*:|(?:[A-Z][\w.'’-]+ ){1,3}(?:owns|holds|has no position in|has a position in|had no position in)"
    r"\b.{0,40}\b(?:shares|stock|positions?|options)\b|.{0,60}\bhas a disclosure policy\b", _I)
#: The site's call to action inside a closing paragraph: "To get the full story, simply click here.", "Try it free
#: for 30 days".
CALL_TO_ACTION = re.compile(
    r"\b(?:(?:simply |just )?(?:click|tap) here|sign up (?:now|today|here|for free)|subscribe (?:now|today|here)"
    r"|free for \d+ days|(?:start|begin) (?:your|a) free trial)\b", _I)
#: An invitation to follow the writer: "Follow her on Twitter".
FOLLOW_ME = re.compile(r"\bFollow (?:him|her|them|me|us|@\w+)\b.{0,40}\b(?:Twitter|Facebook|Instagram|on)\b", _I)
#: A photo credit on a line of its own, as pages print them under a picture: "Photo by Jane Doe/Getty Images",
#: "Photograph: Jane Doe", "AP Photo/Jane Doe", "Jane Doe/Reuters", "Courtesy of the museum".
PHOTO_CREDIT = re.compile(
    r"(?:(?:Photo|Photograph|Picture|Image|Foto|Bild)s?(?: (?:by|courtesy(?: of)?|credit)\s*:?|\s*:)\s*\S.*"
    r"|(?:AP|AFP|EPA|Reuters|Getty) (?:Photo|Images)\b.*"
    r"|[\w .,'’-]{2,60}/(?:Getty Images|AFP|AP|Reuters|EPA|Bloomberg|Corbis|Shutterstock|Polaris|WireImage)(?:/.*)?"
    r"|Courtesy(?: of)? \S.*)")
#: The longest a photo credit line is; the most words and sentences its caption (the line above it) has.
PHOTO_CREDIT_MAX_CHARS = 100
CAPTION_MAX_WORDS = 40
CAPTION_MAX_SENTENCES = 2
#: Metadata (bylines, stamps, credits) is read in this many lines before the article block and after it.
META_WINDOW_LINES = 8
#: The text is a whole page (its chrome is removed) when at least this many lines are chrome.
PAGE_MIN_CHROME_LINES = 3
