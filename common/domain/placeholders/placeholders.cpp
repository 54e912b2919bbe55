#include "placeholders/placeholders.h"
#include "placeholders/jsontext.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace tap::placeholders {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

constexpr QByteArrayView Prefix = "<CREDENTIAL:";
constexpr qsizetype MaxNameLength = 64;
constexpr qsizetype MaxLabelLength = 64;

// Where a piece of text sits in the request, for the decision and the error message.
enum class SiteKind {
    HeaderName,
    HeaderValue,
    Target,
    JsonKey,
    JsonMember,
    JsonElement,
    FormName,
    FormValue,
    OtherBody,
    InvalidJson
};

struct Site
{
    SiteKind kind;
    QString label; // header name, body field name or media type
};

struct Placeholder
{
    qsizetype begin;
    qsizetype end; // one past '>'
    QString name;
};

// Decides about (and possibly rewrites) text in a position where placeholders may be allowed.
using Rewrite = std::function<Result<QByteArray>(QByteArrayView text, const Site &site)>;

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

// Case-insensitive search for `needle` (given in lower case).
qsizetype indexOfInsensitive(QByteArrayView haystack, QByteArrayView needle, qsizetype from = 0)
{
    for (qsizetype i = from; i + needle.size() <= haystack.size(); ++i) {
        qsizetype k = 0;
        while (k < needle.size() && lower(haystack[i + k]) == needle[k])
            ++k;
        if (k == needle.size())
            return i;
    }
    return -1;
}

bool mayContainPlaceholder(QByteArrayView text)
{
    return indexOfInsensitive(text, "<credential:") >= 0;
}

bool isNameChar(char c, bool first)
{
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    return alnum || (!first && (c == '.' || c == '_' || c == '-'));
}

// Every "<credential:" (any case) must start a well-formed placeholder; std::nullopt if one
// does not (fail closed: a near-miss is never forwarded as literal text).
std::optional<QList<Placeholder>> findPlaceholders(QByteArrayView text)
{
    QList<Placeholder> found;
    for (qsizetype at = indexOfInsensitive(text, "<credential:"); at >= 0;
         at = indexOfInsensitive(text, "<credential:", at + 1)) {
        if (text.sliced(at, Prefix.size()) != Prefix)
            return std::nullopt;
        qsizetype end = at + Prefix.size();
        while (end < text.size() && end - at - Prefix.size() < MaxNameLength
               && isNameChar(text[end], end == at + Prefix.size()))
            ++end;
        if (end == at + Prefix.size() || end >= text.size() || text[end] != '>')
            return std::nullopt;
        const QByteArrayView name = text.sliced(at + Prefix.size(), end - at - Prefix.size());
        found.append({ at, end + 1, QString::fromLatin1(name) });
    }
    return found;
}

QString shortLabel(const QString &label)
{
    return label.size() <= MaxLabelLength ? label
                                          : label.first(MaxLabelLength) + QStringLiteral("...");
}

QString describe(const Site &site)
{
    switch (site.kind) {
    case SiteKind::HeaderName:
        return QStringLiteral("a header name");
    case SiteKind::HeaderValue:
        return QStringLiteral("header ") + shortLabel(site.label);
    case SiteKind::Target:
        return QStringLiteral("target URL");
    case SiteKind::JsonKey:
        return QStringLiteral("a body key");
    case SiteKind::JsonMember:
    case SiteKind::FormValue:
        return QStringLiteral("body field ") + shortLabel(site.label);
    case SiteKind::JsonElement:
        return QStringLiteral("a body string that is not an object member");
    case SiteKind::FormName:
        return QStringLiteral("a body field name");
    case SiteKind::OtherBody:
        return QStringLiteral("a body of type ") + shortLabel(site.label);
    case SiteKind::InvalidJson:
        return QStringLiteral("a JSON body that does not parse");
    }
    return {};
}

Error refusal(QByteArrayView text, const Site &site)
{
    const auto found = findPlaceholders(text);
    if (!found)
        return Error(ErrorCode::PlaceholderNotAllowed,
                     QStringLiteral("Malformed credential placeholder in %1; the form is "
                                    "<CREDENTIAL:name>.")
                             .arg(describe(site)));
    const QString what = found->isEmpty()
            ? QStringLiteral("A credential placeholder")
            : QStringLiteral("The placeholder for credential '%1'").arg(found->first().name);
    return Error(ErrorCode::PlaceholderNotAllowed,
                 QStringLiteral("%1 is not allowed in %2.").arg(what, describe(site)));
}

bool isAuthHeader(QByteArrayView name)
{
    const QByteArray lowerName = name.toByteArray().toLower();
    return lowerName == "authorization" || lowerName == "x-api-key";
}

bool isHeaderSafe(QByteArrayView value) // RFC 9110 §5.5: no CR, LF or NUL in a field value
{
    return !value.contains('\r') && !value.contains('\n') && !value.contains('\0');
}

Result<HeaderList> rewriteHeaders(const HeaderList &headers, const Rewrite &rewrite)
{
    HeaderList out = headers;
    for (auto &[name, value] : out) {
        if (mayContainPlaceholder(name))
            return refusal(name, { SiteKind::HeaderName, {} });
        if (!mayContainPlaceholder(value))
            continue;
        const Site site{ SiteKind::HeaderValue, QString::fromLatin1(name) };
        if (!isAuthHeader(name))
            return refusal(value, site);
        Result<QByteArray> replaced = rewrite(value, site);
        if (!replaced)
            return replaced.error();
        if (!isHeaderSafe(*replaced))
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("A credential value cannot be placed in %1: it contains "
                                        "a line break or NUL.")
                                 .arg(describe(site)));
        value = std::move(replaced).value();
    }
    return out;
}

Result<void> checkTarget(QByteArrayView target)
{
    const QByteArray decoded = QByteArray::fromPercentEncoding(target.toByteArray());
    if (mayContainPlaceholder(target))
        return refusal(target, { SiteKind::Target, {} });
    if (mayContainPlaceholder(decoded))
        return refusal(decoded, { SiteKind::Target, {} });
    return {};
}

// ---- JSON (RFC 8259) -----------------------------------------------------------------------

struct Frame
{
    bool object;
    bool expectKey;
    QByteArrayView rawKey;
};

// Handles one string token; returns the new token text, or an empty array to keep it.
Result<QByteArray> visitJsonString(QByteArrayView raw, QList<Frame> &stack, const Rewrite &rewrite)
{
    Frame *frame = stack.isEmpty() ? nullptr : &stack.last();
    const bool isKey = frame && frame->object && frame->expectKey;
    if (isKey) {
        frame->rawKey = raw;
        frame->expectKey = false;
    }
    const QByteArray text = decodeJsonString(raw);
    if (!mayContainPlaceholder(text))
        return QByteArray();
    if (isKey)
        return refusal(text, { SiteKind::JsonKey, {} });
    if (!frame || !frame->object)
        return refusal(text, { SiteKind::JsonElement, {} });
    const Site site{ SiteKind::JsonMember, QString::fromUtf8(decodeJsonString(frame->rawKey)) };
    Result<QByteArray> replaced = rewrite(text, site);
    if (!replaced)
        return replaced.error();
    if (*replaced == text)
        return QByteArray();
    if (!isValidUtf8(*replaced))
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("A credential value cannot be placed in %1: it is not "
                                    "UTF-8 text.")
                             .arg(describe(site)));
    QByteArray token = encodeJsonString(*replaced);
    core::wipe(*replaced);
    return token;
}

// Rewrites string tokens in place so that every other byte (numbers, spacing, key order)
// reaches the target exactly as the agent sent it; QJsonDocument is only the syntax check.
Result<QByteArray> rewriteJson(QByteArrayView json, const Rewrite &rewrite)
{
    if (!json.contains('\\') && !mayContainPlaceholder(json))
        return json.toByteArray(); // no escapes: no string can decode to a placeholder
    QJsonParseError parseError;
    QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (mayContainPlaceholder(json) || indexOfInsensitive(json, "\\u003ccredential:") >= 0)
            return refusal(json, { SiteKind::InvalidJson, {} });
        return json.toByteArray(); // no placeholder: not ours to judge
    }
    QList<Frame> stack;
    QByteArray out;
    qsizetype copied = 0;
    for (qsizetype i = 0; i < json.size(); ++i) {
        switch (json[i]) {
        case '{':
            stack.append({ true, true, {} });
            break;
        case '[':
            stack.append({ false, false, {} });
            break;
        case '}':
        case ']':
            if (!stack.isEmpty())
                stack.removeLast();
            break;
        case ',':
            if (!stack.isEmpty() && stack.last().object)
                stack.last().expectKey = true;
            break;
        case '"': {
            const qsizetype end = jsonStringEnd(json, i);
            Result<QByteArray> token =
                    visitJsonString(json.sliced(i + 1, end - i - 1), stack, rewrite);
            if (!token)
                return token;
            if (!token->isEmpty()) {
                out.append(json.sliced(copied, i - copied)).append(*token);
                core::wipe(*token);
                copied = end + 1;
            }
            i = end;
            break;
        }
        default:
            break;
        }
    }
    return out.append(json.sliced(copied));
}

// ---- application/x-www-form-urlencoded ----------------------------------------------------

QByteArray formDecode(QByteArrayView raw)
{
    QByteArray bytes = raw.toByteArray();
    bytes.replace('+', ' ');
    return QByteArray::fromPercentEncoding(bytes);
}

QByteArray formEncode(QByteArrayView bytes) // RFC 3986 unreserved kept, space as '+'
{
    QByteArray encoded = bytes.toByteArray().toPercentEncoding(" "); // '+' itself becomes %2B
    return encoded.replace(' ', '+');
}

Result<QByteArray> rewriteFormField(QByteArrayView field, const Rewrite &rewrite)
{
    const qsizetype eq = field.indexOf('=');
    const QByteArrayView rawName = eq < 0 ? field : field.first(eq);
    const QByteArray name = formDecode(rawName);
    if (mayContainPlaceholder(name))
        return refusal(name, { SiteKind::FormName, {} });
    const QByteArray value = formDecode(eq < 0 ? QByteArrayView() : field.sliced(eq + 1));
    if (!mayContainPlaceholder(value))
        return field.toByteArray();
    Result<QByteArray> replaced = rewrite(value, { SiteKind::FormValue, QString::fromUtf8(name) });
    if (!replaced)
        return replaced.error();
    if (*replaced == value)
        return field.toByteArray();
    QByteArray rebuilt = rawName.toByteArray() + '=' + formEncode(*replaced);
    core::wipe(*replaced);
    return rebuilt;
}

Result<QByteArray> rewriteForm(QByteArrayView body, const Rewrite &rewrite)
{
    QByteArray out;
    for (qsizetype start = 0; start <= body.size();) {
        qsizetype end = body.indexOf('&', start);
        if (end < 0)
            end = body.size();
        Result<QByteArray> field = rewriteFormField(body.sliced(start, end - start), rewrite);
        if (!field)
            return field;
        out.append(*field);
        if (end < body.size())
            out.append('&');
        start = end + 1;
    }
    return out;
}

// ---- dispatch ------------------------------------------------------------------------------

QByteArray mediaType(QByteArrayView contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    const QByteArrayView type = semicolon < 0 ? contentType : contentType.first(semicolon);
    return type.trimmed().toByteArray().toLower();
}

Result<QByteArray> rewriteBody(const Input &in, const Rewrite &rewrite)
{
    if (in.body.isEmpty())
        return in.body;
    const QByteArray type = mediaType(in.contentType);
    if (type == "application/json")
        return rewriteJson(in.body, rewrite);
    if (type == "application/x-www-form-urlencoded")
        return rewriteForm(in.body, rewrite);
    const Site site{ SiteKind::OtherBody,
                     type.isEmpty() ? QStringLiteral("(none)") : QString::fromLatin1(type) };
    if (mayContainPlaceholder(in.body))
        return refusal(in.body, site);
    const QByteArray decoded = QByteArray::fromPercentEncoding(in.body);
    if (mayContainPlaceholder(decoded))
        return refusal(decoded, site);
    return in.body;
}

Result<Substituted> rewriteAll(const Input &in, const Rewrite &rewrite)
{
    if (Result<void> target = checkTarget(in.target); !target)
        return target.error();
    Result<HeaderList> headers = rewriteHeaders(in.headers, rewrite);
    if (!headers)
        return headers.error();
    Result<QByteArray> body = rewriteBody(in, rewrite);
    if (!body)
        return body.error();
    return Substituted{ std::move(headers).value(), std::move(body).value() };
}

} // namespace

Result<QStringList>
validate(const Input &in,
         const std::function<QStringList(const QString &credential)> &bodyFieldsFor)
{
    QStringList names;
    const Rewrite check = [&](QByteArrayView text, const Site &site) -> Result<QByteArray> {
        const auto found = findPlaceholders(text);
        if (!found)
            return refusal(text, site);
        for (const Placeholder &placeholder : *found) {
            const bool inBody = site.kind != SiteKind::HeaderValue;
            if (inBody && !bodyFieldsFor(placeholder.name).contains(site.label))
                return refusal(text.sliced(placeholder.begin), site);
            if (!names.contains(placeholder.name))
                names.append(placeholder.name);
        }
        return text.toByteArray();
    };
    Result<Substituted> walked = rewriteAll(in, check);
    if (!walked)
        return walked.error();
    return names;
}

Result<Substituted>
substitute(const Input &in,
           const std::function<const core::SecretBytes *(const QString &credential)> &valueFor)
{
    const Rewrite replace = [&](QByteArrayView text, const Site &site) -> Result<QByteArray> {
        const auto found = findPlaceholders(text);
        if (!found)
            return refusal(text, site);
        QByteArray out;
        qsizetype copied = 0;
        for (const Placeholder &placeholder : *found) {
            const core::SecretBytes *value = valueFor(placeholder.name);
            if (!value)
                return Error(ErrorCode::CredentialNotAllowed,
                             QStringLiteral("Credential '%1' is not available for this request.")
                                     .arg(placeholder.name));
            out.append(text.sliced(copied, placeholder.begin - copied)).append(value->view());
            copied = placeholder.end;
        }
        return out.append(text.sliced(copied));
    };
    return rewriteAll(in, replace);
}

} // namespace tap::placeholders
