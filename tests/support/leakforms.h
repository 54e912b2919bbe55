// The forms a secret may leak in and findLeak(), which looks for any of them in a text (the
// /forward end-to-end tests: tests/service/tst_forward*.cpp through forwardfixture.h).
#pragma once

#include "support/tapdharness.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <cctype>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;

// ---------------------------------------------------------------------------------------------
// Secret forms: what a credential value looks like in the encodings an upstream may echo it in
// (seed "Response Sanitization": exact, base64, URL-encoded; plus the base64url, form and JSON
// spellings, the secret inside a longer base64 run, as in an echoed Basic credential, partly
// percent-encoded, every character \u-escaped, hex, and MIME base64 wrapped at 76 or 64
// columns). findLeak() also looks through decoded views of the text, so any subset of
// percent-encoded bytes or \u-escaped characters and any line wrapping is found.

inline QByteArray lowerHex(QByteArray pct)
{
    for (qsizetype i = 0; i + 2 < pct.size(); ++i) {
        if (pct.at(i) == '%') {
            pct[i + 1] = char(QChar::toLower(uint(uchar(pct.at(i + 1)))));
            pct[i + 2] = char(QChar::toLower(uint(uchar(pct.at(i + 2)))));
        }
    }
    return pct;
}

inline QByteArray jsonEscaped(const QByteArray &value)
{
    const QByteArray doc =
            QJsonDocument(QJsonArray{ QString::fromUtf8(value) }).toJson(QJsonDocument::Compact);
    return doc.mid(2, doc.size() - 4); // ["..."]
}

// JSON string escaping with every non-ASCII character as \uXXXX (UTF-16 code units), as
// Python's json module writes it by default.
inline QByteArray jsonAsciiEscaped(const QByteArray &value, bool upperHex)
{
    QByteArray out;
    for (const QChar c : QString::fromUtf8(value)) {
        if (c.unicode() < 0x80) {
            out += jsonEscaped(QByteArray(1, char(c.unicode())));
            continue;
        }
        const QByteArray hex = QByteArray::number(c.unicode(), 16).rightJustified(4, '0');
        out += "\\u" + (upperHex ? hex.toUpper() : hex);
    }
    return out;
}

// The base64 characters that depend on the secret alone when it starts `offset` bytes into a
// longer base64-encoded run.
inline QByteArray base64Core(const QByteArray &value, int offset, QByteArray::Base64Options options)
{
    const QByteArray encoded = QByteArray(QByteArray(offset, '\0') + value).toBase64(options);
    const qsizetype first = (8 * offset + 5) / 6;
    const qsizetype last = 8 * (offset + value.size()) / 6;
    return encoded.mid(first, last - first);
}

// Every byte whose index `pick` selects as %XX, the hex digits in upper case where `upper` says.
inline QByteArray percentSome(const QByteArray &value, bool (*pick)(qsizetype),
                              bool (*upper)(qsizetype))
{
    QByteArray out;
    for (qsizetype i = 0; i < value.size(); ++i) {
        const QByteArray hex = QByteArray(1, value.at(i)).toHex();
        out += pick(i) ? '%' + (upper(i) ? hex.toUpper() : hex) : QByteArray(1, value.at(i));
    }
    return out;
}

// Every UTF-16 unit as \uXXXX, the hex digits in upper case where `upper` says.
inline QByteArray jsonAllEscaped(const QByteArray &value, bool (*upper)(qsizetype))
{
    QByteArray out;
    const QString units = QString::fromUtf8(value);
    for (qsizetype i = 0; i < units.size(); ++i) {
        const QByteArray hex = QByteArray::number(units.at(i).unicode(), 16).rightJustified(4, '0');
        out += "\\u" + (upper(i) ? hex.toUpper() : hex);
    }
    return out;
}

// MIME base64 (RFC 2045 §6.8): lines of `columns` characters separated by `eol`.
inline QByteArray mimeWrapped(const QByteArray &data, int columns, const QByteArray &eol)
{
    const QByteArray base64 = data.toBase64();
    QList<QByteArray> lines;
    for (qsizetype at = 0; at < base64.size(); at += columns)
        lines << base64.mid(at, columns);
    return lines.join(eol);
}

// The base64 and hex forms, which may also be wrapped over several lines.
inline QList<QByteArray> encodedRunForms(const QByteArray &secret)
{
    using O = QByteArray::Base64Option;
    QList<QByteArray> forms;
    for (const auto alphabet : { O::Base64Encoding, O::Base64UrlEncoding }) {
        forms << secret.toBase64(alphabet) << secret.toBase64(alphabet | O::OmitTrailingEquals);
        for (int offset = 0; offset < 3; ++offset)
            forms << base64Core(secret, offset, alphabet);
    }
    forms << secret.toHex() << secret.toHex().toUpper();
    forms.removeAll(QByteArray());
    return forms;
}

inline QList<QByteArray> leakForms(const QByteArray &secret)
{
    QList<QByteArray> forms{ secret };
    forms << encodedRunForms(secret);
    const QByteArray pct = secret.toPercentEncoding();
    QByteArray form = secret.toPercentEncoding(" ");
    form.replace(' ', '+');
    forms << pct << lowerHex(pct) << form << lowerHex(form) << jsonEscaped(secret)
          << jsonAsciiEscaped(secret, false) << jsonAsciiEscaped(secret, true);
    // Partly percent-encoded, any hex case; every character \u-escaped; hex; MIME base64.
    const auto even = [](qsizetype i) { return i % 2 == 0; };
    const auto odd = [](qsizetype i) { return i % 2 == 1; };
    const auto always = [](qsizetype) { return true; };
    const auto never = [](qsizetype) { return false; };
    forms << percentSome(secret, even, never) << percentSome(secret, odd, always)
          << percentSome(secret, always, even) << jsonAllEscaped(secret, never)
          << jsonAllEscaped(secret, always) << jsonAllEscaped(secret, odd);
    for (const int columns : { 76, 64 }) {
        for (const QByteArray &eol : { QByteArray("\n"), QByteArray("\r\n") })
            forms << mimeWrapped(QByteArray(columns * 3 / 4 - 2, 'P') + secret, columns, eol);
    }
    forms.removeAll(QByteArray());
    return forms;
}

struct Secret
{
    QString name;
    QByteArray value;
};

// A signing credential's secret parts (README "Signing credentials": oauth1, aws_sigv4), each a
// secret of its own, named "<credential>.<part>": every part is scrubbed and kept out of every
// trail like a static value. Region and service are settings, not secrets.
inline QList<Secret> partSecrets(const QString &credential, const QJsonObject &parts)
{
    QList<Secret> out;
    for (auto it = parts.begin(); it != parts.end(); ++it) {
        // Visible settings, not secrets: aws_sigv4 region/service, oauth2 token_url,
        // authorize_url, scopes. Every oauth2 part (client_id, client_secret, refresh_token)
        // is a secret, and so are the access tokens tapd obtains (oauth2fixture).
        static const QStringList visible{ u"region"_s, u"service"_s, u"token_url"_s,
                                          u"authorize_url"_s, u"scopes"_s };
        if (!visible.contains(it.key()))
            out.append({ credential + u'.' + it.key(), it.value().toString().toUtf8() });
    }
    return out;
}

// The views findLeak() also searches (independent of the scrubber's own decoders): %XX decoded
// (either hex case; '+' read as space on both sides), JSON string escapes decoded (\uXXXX with
// surrogate pairs), CR and LF left out (wrapped base64 or hex).
inline QByteArray percentDecodedView(const QByteArray &text)
{
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == '%' && i + 2 < text.size() && isxdigit(uchar(text.at(i + 1)))
            && isxdigit(uchar(text.at(i + 2)))) {
            out += QByteArray::fromHex(text.mid(i + 1, 2));
            i += 2;
        } else {
            out += text.at(i);
        }
    }
    return out.replace('+', ' ');
}

inline QByteArray jsonDecodedView(const QByteArray &text)
{
    const auto unitAt = [&](qsizetype i) { // the unit of a "\uXXXX" at i, else -1
        bool ok = i + 6 <= text.size() && text.at(i) == '\\' && text.at(i + 1) == 'u';
        for (qsizetype k = i + 2; ok && k < i + 6; ++k)
            ok = isxdigit(uchar(text.at(k)));
        return ok ? int(QByteArrayView(text).sliced(i + 2, 4).toUInt(nullptr, 16)) : -1;
    };
    static const QByteArray names = "\"\\/bfnrt";
    static const QByteArray values = "\"\\/\b\f\n\r\t";
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const int unit = unitAt(i);
        const int low = unit >= 0xd800 && unit < 0xdc00 ? unitAt(i + 6) : -1;
        const qsizetype simple =
                text.at(i) == '\\' && i + 1 < text.size() ? names.indexOf(text.at(i + 1)) : -1;
        if (low >= 0xdc00 && low < 0xe000) {
            const QChar pair[] = { QChar(char16_t(unit)), QChar(char16_t(low)) };
            out += QString(pair, 2).toUtf8();
            i += 11;
        } else if (unit >= 0) {
            out += QString(QChar(char16_t(unit))).toUtf8();
            i += 5;
        } else if (simple >= 0) {
            out += values.at(simple);
            ++i;
        } else {
            out += text.at(i);
        }
    }
    return out;
}

// "" when none of the secrets occurs in `haystack` in any form, else which one and how.
inline QString findLeak(const QByteArray &haystack, const QList<Secret> &secrets)
{
    const QByteArray joined = QByteArray(haystack).replace('\r', "").replace('\n', "");
    const QByteArray percent = percentDecodedView(haystack);
    const QByteArray json = jsonDecodedView(haystack);
    for (const Secret &s : secrets) {
        const QList<QByteArray> forms = leakForms(s.value);
        for (qsizetype i = 0; i < forms.size(); ++i) {
            if (haystack.contains(forms.at(i)))
                return u"the value of %1 (form %2: \"%3\")"_s.arg(s.name).arg(i).arg(
                        text(forms.at(i)));
        }
        for (const QByteArray &form : encodedRunForms(s.value)) {
            if (joined.contains(form))
                return u"the value of %1 (line-wrapped \"%2\")"_s.arg(s.name, text(form));
        }
        if (percent.contains(QByteArray(s.value).replace('+', ' ')))
            return u"the value of %1, percent-encoded"_s.arg(s.name);
        if (json.contains(s.value))
            return u"the value of %1, JSON-escaped"_s.arg(s.name);
    }
    return {};
}

} // namespace tap::test
