#include "proxy/targeturl.h"

#include <algorithm>
#include <array>

namespace tap::proxy {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

Error invalidTarget(const QString &message)
{
    return Error(ErrorCode::InvalidRequest, message);
}

Error badAbsoluteTarget()
{
    return invalidTarget(QStringLiteral("X-TAP-Target must be an absolute http:// or https:// URL "
                                        "with a host and without user information, spaces or "
                                        "backslashes."));
}

// Control characters, spaces and backslashes: parsers disagree about them (WHATWG URL treats
// '\' as '/'), so such a target is refused rather than guessed at.
bool hasUnsafeCharacters(QStringView text)
{
    return std::any_of(text.begin(), text.end(), [](QChar c) {
        return c.unicode() <= 0x20 || c.unicode() == 0x7f || c == u'\\';
    });
}

bool isAlnum(uchar c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 3986 §2.3.
bool isUnreserved(uchar c)
{
    return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// RFC 3986 §3.3 pchar without pct-encoded (sub-delims, ':' and '@'), plus the separators that
// the component may hold as they are.
bool mayStayRaw(uchar c, bool query)
{
    static constexpr std::string_view subDelims = "!$&'()*+,;=:@/";
    if (isUnreserved(c) || subDelims.find(char(c)) != std::string_view::npos)
        return true;
    return query && c == '?';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendEncoded(QByteArray &out, uchar c)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    out += '%';
    out += hex[c >> 4];
    out += hex[c & 0xf];
}

// Percent-encodings of unreserved characters decoded, the others upper-cased, everything
// outside the component's syntax encoded (RFC 3986 §6.2.2.1–2).
Result<QByteArray> normalizeEncoding(QByteArrayView in, bool query)
{
    QByteArray out;
    out.reserve(in.size());
    for (qsizetype i = 0; i < in.size(); ++i) {
        const uchar c = uchar(in[i]);
        if (c != '%') {
            if (mayStayRaw(c, query))
                out += char(c);
            else
                appendEncoded(out, c);
            continue;
        }
        const int high = i + 2 < in.size() ? hexValue(in[i + 1]) : -1;
        const int low = i + 2 < in.size() ? hexValue(in[i + 2]) : -1;
        if (high < 0 || low < 0)
            return invalidTarget(QStringLiteral("X-TAP-Target holds a malformed percent-encoding "
                                                "('%' must be followed by two hex digits)."));
        const uchar decoded = uchar(high * 16 + low);
        if (isUnreserved(decoded))
            out += char(decoded);
        else
            appendEncoded(out, decoded);
        i += 2;
    }
    return out;
}

// RFC 3986 §5.2.4, on a path that starts with '/'.
QByteArray removeDotSegments(const QByteArray &path)
{
    const QList<QByteArray> segments = path.mid(1).split('/');
    QList<QByteArray> kept;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QByteArray &s = segments.at(i);
        const bool last = i + 1 == segments.size();
        if (s == "." || s == "..") {
            if (s == ".." && !kept.isEmpty())
                kept.removeLast();
            if (last)
                kept.append(QByteArray()); // "/a/.." names "/", keeping the trailing slash
            continue;
        }
        kept.append(s);
    }
    return '/' + kept.join('/');
}

// Percent-decodes until nothing changes, so that "%252e%252e" is seen as ".." too (a server or
// proxy behind tapd may decode more than once).
std::optional<QByteArray> fullyDecoded(const QByteArray &encoded)
{
    QByteArray current = encoded;
    for (int round = 0; round < 4; ++round) {
        const QByteArray next = QByteArray::fromPercentEncoding(current);
        if (next == current)
            return current;
        current = next;
    }
    return std::nullopt;
}

// A segment that some server reads as "." or "..": after decoding as often as it takes,
// splitting at '/' and '\', and dropping path parameters (Tomcat and Spring read "..;x" as "..").
Result<bool> hasDotSegment(const QByteArray &path)
{
    const std::optional<QByteArray> decoded = fullyDecoded(path);
    if (!decoded)
        return invalidTarget(QStringLiteral("X-TAP-Target is percent-encoded too many times."));
    QByteArray unified = *decoded;
    unified.replace('\\', '/');
    for (const QByteArray &segment : unified.split('/')) {
        const qsizetype semicolon = segment.indexOf(';');
        const QByteArray name = semicolon < 0 ? segment : segment.first(semicolon);
        if (name == "." || name == "..")
            return true;
    }
    return false;
}

Error hiddenDotSegment()
{
    return invalidTarget(QStringLiteral("X-TAP-Target must not contain '.' or '..' segments "
                                        "hidden by encoding, an encoded slash or backslash, or "
                                        "path parameters."));
}

struct Parts
{
    QByteArrayView scheme; // as written (compared case-insensitively)
    QByteArrayView authority;
    QByteArrayView path;
    QByteArrayView query;
};

// RFC 3986 Appendix B, for "scheme://authority path [? query] [# fragment]". Views into text.
std::optional<Parts> split(QByteArrayView text)
{
    const qsizetype colon = text.indexOf(':');
    if (colon <= 0 || !text.sliced(colon).startsWith("://"))
        return std::nullopt;
    Parts p;
    p.scheme = text.first(colon);
    QByteArrayView rest = text.sliced(colon + 3);
    if (const qsizetype hash = rest.indexOf('#'); hash >= 0)
        rest.truncate(hash);
    const qsizetype slash = rest.indexOf('/');
    const qsizetype question = rest.indexOf('?');
    const qsizetype end =
            std::min(slash < 0 ? rest.size() : slash, question < 0 ? rest.size() : question);
    p.authority = rest.first(end);
    rest = rest.sliced(end);
    const qsizetype query = rest.indexOf('?');
    p.path = query < 0 ? rest : rest.first(query);
    if (query >= 0)
        p.query = rest.sliced(query + 1);
    return p;
}

bool equalsAsciiCaseInsensitive(QByteArrayView text, QByteArrayView lower)
{
    if (text.size() != lower.size())
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if ((c >= 'A' && c <= 'Z' ? char(c + 32) : c) != lower[i])
            return false;
    }
    return true;
}

// "scheme://host[:port]" with the host in its canonical form (lower case, IDNA, IPv6 in
// brackets) and a default port dropped; nullopt when the authority is not a plain host[:port].
std::optional<QByteArray> canonicalOrigin(QByteArrayView scheme, QByteArrayView authority)
{
    if (authority.isEmpty() || authority.contains('@') || authority.contains('%'))
        return std::nullopt;
    QByteArrayView host = authority;
    QByteArrayView port;
    const qsizetype bracket = authority.lastIndexOf(']');
    const qsizetype colon = authority.lastIndexOf(':');
    if (colon > bracket && (authority.startsWith('[') || authority.count(':') == 1)) {
        host = authority.first(colon);
        port = authority.sliced(colon + 1);
    }
    QUrl url;
    url.setScheme(QString::fromLatin1(scheme));
    url.setHost(QString::fromUtf8(host), QUrl::StrictMode);
    if (!port.isEmpty()) {
        bool ok = false;
        const int number = port.toInt(&ok);
        if (!ok || number <= 0 || number > 65535
            || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return std::nullopt;
        if (number != (scheme == "https" ? 443 : 80))
            url.setPort(number);
    }
    if (!url.isValid() || url.host().isEmpty())
        return std::nullopt;
    return url.toEncoded();
}

// canonicalOrigin() is a pure function of its input and its QUrl round trip is the dearest part
// of a target; an agent talks to a handful of origins, so each thread keeps its last few.
// Bounded (a stream of distinct hosts only evicts) and per thread (no locking).
std::optional<QByteArray> origin(QByteArrayView scheme, QByteArrayView authority)
{
    struct Entry
    {
        QByteArray scheme;
        QByteArray authority;
        std::optional<QByteArray> origin;
    };
    static constexpr int kEntries = 8;
    thread_local std::array<Entry, kEntries> cache;
    thread_local int nextSlot = 0;
    for (const Entry &e : cache) {
        if (!e.scheme.isEmpty() && e.scheme == scheme && e.authority == authority)
            return e.origin;
    }
    Entry &slot = cache[nextSlot];
    nextSlot = (nextSlot + 1) % kEntries;
    slot = Entry{ scheme.toByteArray(), authority.toByteArray(),
                  canonicalOrigin(scheme, authority) };
    return slot.origin;
}

// A path that normalisation leaves as it is: every byte may stay raw (so no '%', no '\\')
// and no segment starts with '.' (so none is "." or "..", also with ";params").
bool isNormalPath(QByteArrayView path)
{
    return path.startsWith('/') && !path.contains("/.")
            && std::all_of(path.begin(), path.end(),
                           [](char c) { return c != '%' && mayStayRaw(uchar(c), false); });
}

Result<QByteArray> normalizePath(QByteArrayView rawPath)
{
    if (isNormalPath(rawPath))
        return rawPath.toByteArray();
    Result<QByteArray> path = normalizeEncoding(rawPath.isEmpty() ? "/" : rawPath, false);
    if (!path)
        return path;
    const QByteArray resolved = removeDotSegments(*path);
    const Result<bool> hidden = hasDotSegment(resolved);
    if (!hidden)
        return hidden.error();
    if (*hidden)
        return hiddenDotSegment();
    return resolved;
}

bool hasPathParameters(const QByteArray &path)
{
    return path.contains(';') || path.contains("%3B");
}

struct Normalized
{
    QByteArray origin; // scheme://host[:port]
    QByteArray path;
    QByteArray query;
};

Result<Normalized> normalizeAbsolute(QStringView text)
{
    if (text.isEmpty() || hasUnsafeCharacters(text))
        return badAbsoluteTarget();
    const QByteArray utf8 = text.toUtf8();
    const std::optional<Parts> parts = split(utf8);
    if (!parts)
        return badAbsoluteTarget();
    QByteArrayView scheme;
    if (equalsAsciiCaseInsensitive(parts->scheme, "http"))
        scheme = "http";
    else if (equalsAsciiCaseInsensitive(parts->scheme, "https"))
        scheme = "https";
    else
        return badAbsoluteTarget();
    std::optional<QByteArray> originPart = origin(scheme, parts->authority);
    if (!originPart)
        return badAbsoluteTarget();
    Result<QByteArray> path = normalizePath(parts->path);
    if (!path)
        return path.error();
    Result<QByteArray> query = parts->query.isEmpty() ? Result<QByteArray>(QByteArray())
                                                      : normalizeEncoding(parts->query, true);
    if (!query)
        return query.error();
    return Normalized{ std::move(*originPart), std::move(*path), std::move(*query) };
}

Result<Target> assemble(const QByteArray &originPart, const QByteArray &path,
                        const QByteArray &query)
{
    Target t;
    t.wire.reserve(originPart.size() + path.size() + (query.isEmpty() ? 0 : query.size() + 1));
    t.wire += originPart;
    t.wire += path;
    if (!query.isEmpty()) {
        t.wire += '?';
        t.wire += query;
    }
    t.url = QUrl::fromEncoded(t.wire, QUrl::StrictMode);
    // The URL handed on must be the URL decided on, byte for byte.
    if (!t.url.isValid() || t.url.toEncoded() != t.wire)
        return invalidTarget(QStringLiteral("X-TAP-Target cannot be sent exactly as written."));
    if (!hasPathParameters(path))
        t.policyView =
                QString::fromLatin1(QByteArrayView(t.wire).first(originPart.size() + path.size()));
    return t;
}

Result<QUrl> parseApiBase(const QString &apiBase)
{
    const QUrl base(apiBase, QUrl::StrictMode);
    if (!base.isValid() || (base.scheme() != u"http" && base.scheme() != u"https")
        || base.host().isEmpty() || !base.userInfo().isEmpty())
        return Error(ErrorCode::Internal,
                     QStringLiteral("The credential's api_base is not an http(s) URL."));
    return base.adjusted(QUrl::RemoveFragment);
}

// relative_target: the agent's path under api_base's path, dot segments refused outright.
Result<Destination> joinRelative(const QString &apiBase, const QString &target)
{
    if (!target.startsWith(u'/') || target.startsWith(u"//"))
        return invalidTarget(QStringLiteral("X-TAP-Target must be a path starting with a single "
                                            "'/' for this credential (relative_target)."));
    if (hasUnsafeCharacters(target) || target.contains(u'#'))
        return invalidTarget(QStringLiteral("X-TAP-Target must not contain spaces, control "
                                            "characters, backslashes or a fragment."));
    const QByteArray text = target.toUtf8();
    const qsizetype question = text.indexOf('?');
    Result<QByteArray> path = normalizeEncoding(question < 0 ? text : text.first(question), false);
    if (!path)
        return path.error();
    const std::optional<QByteArray> decoded = fullyDecoded(*path);
    if (decoded && decoded->contains('\\'))
        return invalidTarget(QStringLiteral("X-TAP-Target must not contain a backslash."));
    const Result<bool> dots = hasDotSegment(*path);
    if (!dots)
        return dots.error();
    if (*dots)
        return invalidTarget(QStringLiteral("X-TAP-Target must not contain a '.' or '..' segment "
                                            "(also encoded or with parameters)."));
    Result<QByteArray> query = normalizeEncoding(question < 0 ? "" : text.mid(question + 1), true);
    if (!query)
        return query.error();
    const Result<Normalized> base = normalizeAbsolute(apiBase);
    if (!base)
        return Error(ErrorCode::Internal,
                     QStringLiteral("The credential's api_base is not an http(s) URL."));
    QByteArray basePath = base->path;
    while (basePath.endsWith('/'))
        basePath.chop(1);
    Result<Target> joined = assemble(base->origin, basePath + *path, *query);
    if (!joined)
        return joined.error();
    Destination d;
    d.connectTo = joined->url;
    d.target = *joined;
    d.headerForm = QString::fromUtf8(*path + (query->isEmpty() ? QByteArray() : '?' + *query));
    return d;
}

} // namespace

Result<Target> normalizeTarget(QStringView text)
{
    // A pure function of the text, and its QUrl round trip (assemble()) costs more than the rest:
    // an agent that calls the same endpoint again (an LLM API, a poll) gets the result it got
    // before. Per thread (no locking), the last few accepted targets of bounded length.
    struct Entry
    {
        QString text;
        Target target;
    };
    static constexpr int kEntries = 16;
    static constexpr qsizetype kLongestCached = 1024;
    thread_local std::array<Entry, kEntries> cache;
    thread_local int nextSlot = 0;
    const bool cacheable = !text.isEmpty() && text.size() <= kLongestCached;
    if (cacheable) {
        for (const Entry &e : cache) {
            if (e.text.size() == text.size() && !e.text.isEmpty() && e.text == text)
                return e.target;
        }
    }
    const Result<Normalized> n = normalizeAbsolute(text);
    if (!n)
        return n.error();
    Result<Target> target = assemble(n->origin, n->path, n->query);
    if (cacheable && target) {
        cache[nextSlot] = Entry{ text.toString(), *target };
        nextSlot = (nextSlot + 1) % kEntries;
    }
    return target;
}

Result<Destination> resolveDestination(QStringView connector, const QString &apiBase,
                                       bool relativeTarget, const QString &targetHeader)
{
    // Exact names only: callers branch on the same strings, so no spelling may mean one thing
    // here and another there.
    const bool sidecar = connector == u"sidecar";
    const bool direct = connector == u"direct";
    if (!sidecar && !direct)
        return Error(ErrorCode::Internal, QStringLiteral("The credential's connector is unknown."));
    // relative_target needs the sidecar connector (README "The data plane").
    if (relativeTarget && !sidecar)
        return Error(ErrorCode::Internal,
                     QStringLiteral("The credential has relative_target without the sidecar "
                                    "connector."));
    if (relativeTarget)
        return joinRelative(apiBase, targetHeader);
    Destination d;
    if (sidecar) {
        Result<QUrl> base = parseApiBase(apiBase);
        if (!base)
            return base.error();
        d.connectTo = *base;
    }
    Result<Target> target = normalizeTarget(targetHeader);
    if (!target)
        return target.error();
    d.target = *target;
    d.headerForm = QString::fromLatin1(target->wire);
    d.agentChosen = direct;
    if (direct)
        d.connectTo = target->url;
    return d;
}

Result<QUrl> effectiveTarget(QStringView connector, const QString &apiBase, bool relativeTarget,
                             const QString &targetHeader)
{
    Result<Destination> d = resolveDestination(connector, apiBase, relativeTarget, targetHeader);
    if (!d)
        return d.error();
    return d->connectTo;
}

} // namespace tap::proxy
