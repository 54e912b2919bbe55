#include "channels/mailformat.h"

#include <QDateTime>
#include <QUrl>

#include <algorithm>

namespace tap::channels {

using namespace Qt::Literals::StringLiterals;
using core::Error;
using core::ErrorCode;

namespace {

constexpr qsizetype kMaxMailboxChars = 512;
// RFC 5322 §2.1.1: lines must not exceed 998 octets without the CRLF.
constexpr qsizetype kMaxLineOctets = 998;

Error invalid(const QString &message)
{
    return Error(ErrorCode::InvalidRequest, message);
}

bool isControl(QChar c)
{
    return (c.unicode() < 0x20 && c != u'\t') || c.unicode() == 0x7f;
}

bool isPrintableAscii(const QString &s)
{
    return std::all_of(s.cbegin(), s.cend(),
                       [](QChar c) { return c.unicode() >= 0x20 && c.unicode() < 0x7f; });
}

bool isAtextOrSpace(QChar c)
{
    if (c.unicode() >= 0x80)
        return false;
    return c.isLetterOrNumber() || c == u' ' || QStringView(u"!#$%&'*+-/=?^_`{|}~").contains(c);
}

// A deliberately narrow addr-spec: dot-atom local part and a host-name domain. Nothing TAP
// sends needs quoted local parts or address literals, and the narrower the grammar, the less
// room there is for smuggling SMTP syntax through MAIL FROM / RCPT TO.
bool isValidAddress(const QString &address)
{
    if (address.size() > 254)
        return false;
    const qsizetype at = address.lastIndexOf(u'@');
    if (at <= 0 || at > 64 || at == address.size() - 1)
        return false;
    const QStringView local = QStringView(address).left(at);
    const QStringView domain = QStringView(address).mid(at + 1);
    for (const QStringView part : local.split(u'.')) {
        if (part.isEmpty())
            return false;
        for (QChar c : part) {
            if (c == u' ' || !isAtextOrSpace(c))
                return false;
        }
    }
    for (const QStringView label : domain.split(u'.')) {
        if (label.isEmpty() || label.size() > 63 || label.startsWith(u'-') || label.endsWith(u'-'))
            return false;
        for (QChar c : label) {
            if (c.unicode() >= 0x80 || !(c.isLetterOrNumber() || c == u'-'))
                return false;
        }
    }
    return true;
}

// RFC 2047 "B" encoded words of at most 39 UTF-8 bytes each (64 characters per word), split
// between code points so that every word decodes on its own.
QList<QByteArray> encodedWords(const QString &text)
{
    QList<QByteArray> words;
    QByteArray chunk;
    const auto flush = [&] {
        if (!chunk.isEmpty())
            words.append("=?UTF-8?B?" + chunk.toBase64() + "?=");
        chunk.clear();
    };
    for (qsizetype i = 0; i < text.size();) {
        const qsizetype n = (text.at(i).isHighSurrogate() && i + 1 < text.size()
                             && text.at(i + 1).isLowSurrogate())
                ? 2
                : 1;
        const QByteArray utf8 = QStringView(text).mid(i, n).toUtf8();
        if (chunk.size() + utf8.size() > 39)
            flush();
        chunk += utf8;
        i += n;
    }
    flush();
    return words;
}

// RFC 2045 §6.7 for CRLF text: lines of at most 76 characters, soft breaks as "=".
QByteArray quotedPrintable(const QByteArray &text)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(text.size() * 3 / 2);
    qsizetype start = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf("\r\n", start);
        if (end < 0)
            end = text.size();
        int column = 0;
        for (qsizetype i = start; i < end; ++i) {
            const auto c = uchar(text.at(i));
            const bool lastInLine = i == end - 1;
            char token[3];
            int length = 1;
            if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !lastInLine)) {
                token[0] = char(c);
            } else {
                token[0] = '=';
                token[1] = kHex[c >> 4];
                token[2] = kHex[c & 0xf];
                length = 3;
            }
            if (column + length > 75) {
                out += "=\r\n";
                column = 0;
            }
            out.append(token, length);
            column += length;
        }
        out += "\r\n";
        start = end + 2;
    }
    return out;
}

} // namespace

bool hasControl(const QString &s)
{
    return std::any_of(s.cbegin(), s.cend(), isControl);
}

core::Result<Mailbox> parseMailbox(const QString &text, const QString &what)
{
    if (text.contains(u'\r') || text.contains(u'\n'))
        return invalid(what + u" must not contain line breaks"_s);
    if (hasControl(text))
        return invalid(what + u" must not contain control characters"_s);
    if (text.size() > kMaxMailboxChars)
        return invalid(what + u" is too long"_s);
    const QString s = text.trimmed();
    Mailbox box;
    QString address = s;
    if (s.endsWith(u'>')) {
        const qsizetype lt = s.lastIndexOf(u'<');
        if (lt < 0)
            return invalid(what + u" is not a valid mail address"_s);
        address = s.mid(lt + 1, s.size() - lt - 2).trimmed();
        box.display = s.left(lt).trimmed();
        if (box.display.size() >= 2 && box.display.startsWith(u'"') && box.display.endsWith(u'"')) {
            box.display = box.display.mid(1, box.display.size() - 2);
            box.display.replace(u"\\\""_s, u"\""_s);
            box.display.replace(u"\\\\"_s, u"\\"_s);
        }
    }
    // Internationalised domains travel as their ACE form (RFC 5890); non-ASCII local parts
    // would need SMTPUTF8, which TAP does not speak.
    if (const qsizetype at = address.lastIndexOf(u'@'); at > 0 && !isPrintableAscii(address)) {
        const QByteArray ace = QUrl::toAce(address.mid(at + 1));
        if (!ace.isEmpty())
            address = address.left(at + 1) + QString::fromLatin1(ace);
    }
    if (!isValidAddress(address))
        return invalid(what + u" is not a valid mail address"_s);
    box.address = address.toLatin1();
    return box;
}

QByteArray formatMailbox(const Mailbox &box)
{
    if (box.display.isEmpty())
        return box.address;
    QByteArray name;
    if (!isPrintableAscii(box.display)) {
        name = encodedWords(box.display).join("\r\n ");
    } else if (std::all_of(box.display.cbegin(), box.display.cend(), isAtextOrSpace)) {
        name = box.display.toLatin1();
    } else {
        QByteArray escaped = box.display.toLatin1();
        escaped.replace('\\', "\\\\").replace('"', "\\\"");
        name = '"' + escaped + '"';
    }
    return name + " <" + box.address + '>';
}

QByteArray formatSubject(const QString &subject)
{
    // "=?" in plain text could be read as an encoded word by the receiving client.
    if (isPrintableAscii(subject) && !subject.contains(u"=?"_s) && subject.size() <= 900)
        return subject.toLatin1();
    return encodedWords(subject).join("\r\n ");
}

QByteArray rfc5322Date(qint64 epochMs)
{
    static constexpr const char *kDays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
    static constexpr const char *kMonths[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(epochMs, Qt::UTC);
    const QDate d = t.date();
    const QTime time = t.time();
    return QString::asprintf("%s, %d %s %04d %02d:%02d:%02d +0000", kDays[d.dayOfWeek() - 1],
                             d.day(), kMonths[d.month() - 1], d.year(), time.hour(), time.minute(),
                             time.second())
            .toLatin1();
}

QByteArray normaliseBody(const QString &body)
{
    QString text = body;
    text.replace(u"\r\n"_s, u"\n"_s);
    text.replace(u'\r', u'\n');
    QByteArray utf8 = text.toUtf8();
    utf8.replace('\n', "\r\n");
    if (!utf8.endsWith("\r\n"))
        utf8 += "\r\n";
    return utf8;
}

Rendered renderMessage(const QByteArray &headers, const QByteArray &body, bool allow8bit)
{
    bool ascii = true;
    bool fits = !body.contains('\0');
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < body.size(); ++i) {
        const char c = body.at(i);
        if (uchar(c) >= 0x80)
            ascii = false;
        if (c == '\n') {
            if (i - 1 - lineStart > kMaxLineOctets)
                fits = false;
            lineStart = i + 1;
        }
    }
    Rendered r;
    QByteArray encoding;
    QByteArray encodedBody = body;
    if (fits && ascii) {
        encoding = "7bit";
    } else if (fits && allow8bit) {
        encoding = "8bit";
        r.eightBit = true;
    } else {
        encoding = "quoted-printable";
        encodedBody = quotedPrintable(body);
    }
    r.data = headers + "Content-Transfer-Encoding: " + encoding + "\r\n\r\n" + encodedBody;
    return r;
}

QByteArray dotStuff(const QByteArray &message)
{
    QByteArray out;
    out.reserve(message.size() + message.size() / 64 + 3);
    bool lineStart = true;
    for (char c : message) {
        if (lineStart && c == '.')
            out += '.';
        out += c;
        lineStart = c == '\n';
    }
    out += ".\r\n";
    return out;
}

} // namespace tap::channels
