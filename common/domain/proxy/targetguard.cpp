#include "proxy/targetguard.h"

#include <algorithm>
#include <array>

namespace tap::proxy {

namespace {

struct V4Range
{
    quint32 base;
    int prefix;
    AddressClass addressClass;
};

constexpr quint32 v4(quint32 a, quint32 b, quint32 c, quint32 d)
{
    return (a << 24) | (b << 16) | (c << 8) | d;
}

// Cloud instance metadata endpoints: they hand out credentials to whoever asks, so they stay
// blocked even when private targets are allowed.
constexpr std::array MetadataV4{
    v4(169, 254, 169, 254), // AWS, GCP, Azure IMDS, OpenStack, DigitalOcean...
    v4(169, 254, 170, 2), // AWS ECS task metadata
    v4(100, 100, 100, 200), // Alibaba Cloud
    v4(192, 0, 0, 192), // Oracle Cloud
    v4(168, 63, 129, 16), // Azure WireServer
};

// RFC 6890 special-purpose registry (and RFC 6598, RFC 5737, RFC 2544), first match wins.
constexpr std::array SpecialV4{
    V4Range{ v4(0, 0, 0, 0), 8, AddressClass::Forbidden }, // "this network", unspecified
    V4Range{ v4(224, 0, 0, 0), 4, AddressClass::Forbidden }, // multicast
    V4Range{ v4(240, 0, 0, 0), 4, AddressClass::Forbidden }, // reserved, incl. broadcast
    V4Range{ v4(127, 0, 0, 0), 8, AddressClass::Private }, // loopback
    V4Range{ v4(10, 0, 0, 0), 8, AddressClass::Private }, // RFC 1918
    V4Range{ v4(172, 16, 0, 0), 12, AddressClass::Private }, // RFC 1918
    V4Range{ v4(192, 168, 0, 0), 16, AddressClass::Private }, // RFC 1918
    V4Range{ v4(100, 64, 0, 0), 10, AddressClass::Private }, // RFC 6598 CGNAT
    V4Range{ v4(169, 254, 0, 0), 16, AddressClass::Private }, // RFC 3927 link-local
    V4Range{ v4(192, 0, 0, 0), 24, AddressClass::Private }, // IETF protocol assignments
    V4Range{ v4(192, 0, 2, 0), 24, AddressClass::Private }, // TEST-NET-1
    V4Range{ v4(198, 51, 100, 0), 24, AddressClass::Private }, // TEST-NET-2
    V4Range{ v4(203, 0, 113, 0), 24, AddressClass::Private }, // TEST-NET-3
    V4Range{ v4(198, 18, 0, 0), 15, AddressClass::Private }, // benchmarking
    V4Range{ v4(192, 88, 99, 0), 24, AddressClass::Private }, // 6to4 relay anycast (RFC 7526)
};

bool inPrefix(quint32 address, quint32 base, int prefix)
{
    return (address >> (32 - prefix)) == (base >> (32 - prefix));
}

AddressClass classifyV4(quint32 address)
{
    if (std::find(MetadataV4.begin(), MetadataV4.end(), address) != MetadataV4.end())
        return AddressClass::Metadata;
    for (const V4Range &range : SpecialV4) {
        if (inPrefix(address, range.base, range.prefix))
            return range.addressClass;
    }
    return AddressClass::Public;
}

// The more restrictive of two classes.
AddressClass stricter(AddressClass a, AddressClass b)
{
    const auto rank = [](AddressClass c) {
        switch (c) {
        case AddressClass::Public:
            return 0;
        case AddressClass::Private:
            return 1;
        case AddressClass::Metadata:
            return 2;
        case AddressClass::Forbidden:
            return 3;
        }
        return 3;
    };
    return rank(a) >= rank(b) ? a : b;
}

using V6 = std::array<quint8, 16>;

bool startsWith(const V6 &address, std::initializer_list<quint8> prefix)
{
    return std::equal(prefix.begin(), prefix.end(), address.begin());
}

bool hasPrefixBits(const V6 &address, quint8 first, quint8 mask)
{
    return (address[0] & mask) == first;
}

quint32 v4At(const V6 &address, int offset)
{
    return v4(address[offset], address[offset + 1], address[offset + 2], address[offset + 3]);
}

// IPv6 forms that carry an IPv4 destination; std::nullopt when the address is not one.
std::optional<AddressClass> classifyEmbeddedV4(const V6 &a)
{
    const bool zero8 = startsWith(a, { 0, 0, 0, 0, 0, 0, 0, 0 });
    if (zero8 && a[8] == 0 && a[9] == 0
        && ((a[10] == 0 && a[11] == 0) || (a[10] == 0xff && a[11] == 0xff)))
        return classifyV4(
                v4At(a, 12)); // compatible ::/96 (RFC 4291 §2.5.5.1), mapped ::ffff:0:0/96
    if (zero8 && a[8] == 0xff && a[9] == 0xff && a[10] == 0 && a[11] == 0)
        return classifyV4(v4At(a, 12)); // translated ::ffff:0:0:0/96 (RFC 2765 §2.1)
    if (startsWith(a, { 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 }))
        return classifyV4(v4At(a, 12)); // NAT64 well-known prefix (RFC 6052 §2.1)
    if (startsWith(a, { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 }))
        return stricter(AddressClass::Private, classifyV4(v4At(a, 12))); // RFC 8215 local-use
    if (startsWith(a, { 0x20, 0x02 }))
        return classifyV4(v4At(a, 2)); // 6to4 (RFC 3056 §2)
    return std::nullopt;
}

AddressClass classifyV6(const V6 &a)
{
    static constexpr V6 Loopback{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    static constexpr V6 Unspecified{};
    static constexpr V6 AwsMetadata{ 0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
                                     0,    0,    0,    0,    0, 0, 0x02, 0x54 };
    if (a == Unspecified)
        return AddressClass::Forbidden;
    if (a == Loopback)
        return AddressClass::Private;
    if (a == AwsMetadata)
        return AddressClass::Metadata;
    if (const auto embedded = classifyEmbeddedV4(a))
        return *embedded;
    if (a[0] == 0xff || startsWith(a, { 0x01, 0x00, 0, 0, 0, 0, 0, 0 }))
        return AddressClass::Forbidden; // multicast; discard-only 100::/64 (RFC 6666)
    if (hasPrefixBits(a, 0xfe, 0xff) && (a[1] & 0x80) != 0)
        return AddressClass::Private; // link-local fe80::/10, deprecated site-local fec0::/10
    if (hasPrefixBits(a, 0xfc, 0xfe))
        return AddressClass::Private; // unique local fc00::/7 (RFC 4193)
    if (startsWith(a, { 0x20, 0x01, 0x0d, 0xb8 })
        || (startsWith(a, { 0x3f, 0xff }) && (a[2] & 0xf0) == 0))
        return AddressClass::Private; // documentation 2001:db8::/32, 3fff::/20 (RFC 9637)
    if (startsWith(a, { 0x20, 0x01, 0x00, 0x00 }))
        return AddressClass::Private; // Teredo (RFC 4380): the real destination is obfuscated
    return AddressClass::Public;
}

// Without surrounding blanks, one trailing dot and the brackets of an IPv6 literal.
QStringView strippedHost(QStringView host)
{
    QStringView h = host.trimmed();
    if (h.endsWith(u'.'))
        h.chop(1);
    if (h.startsWith(u'[') && h.endsWith(u']'))
        h = h.sliced(1, h.size() - 2);
    return h;
}

QString normalizedHost(QStringView host)
{
    return strippedHost(host).toString().toLower();
}

bool isAscii(QStringView s)
{
    return std::all_of(s.begin(), s.end(), [](QChar c) { return c.unicode() < 0x80; });
}

char16_t asciiLower(QChar c)
{
    const char16_t u = c.unicode();
    return u >= u'A' && u <= u'Z' ? char16_t(u + 32) : u;
}

// For ASCII text, toLower() is ASCII lowering: compared without a lowered copy.
bool equalsAsciiLowered(QStringView a, QStringView b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](QChar x, QChar y) {
               return asciiLower(x) == asciiLower(y);
           });
}

bool matchesHost(const QString &host, const QString &pattern)
{
    if (pattern.startsWith(u"*.")) {
        const QStringView suffix = QStringView(pattern).sliced(1); // ".example.com"
        return host.size() > suffix.size() && host.endsWith(suffix);
    }
    if (host == pattern)
        return true;
    // IPv6 literals have many spellings ("::1", "0:0::1").
    const QHostAddress a(host);
    return !a.isNull() && a.protocol() == QAbstractSocket::IPv6Protocol
            && a.isEqual(QHostAddress(pattern));
}

} // namespace

AddressClass classify(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 ipv4 = address.toIPv4Address(&isV4);
    if (address.protocol() == QAbstractSocket::IPv4Protocol && isV4)
        return classifyV4(ipv4);
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return AddressClass::Forbidden; // null, Any, or not an address at all
    const Q_IPV6ADDR raw = address.toIPv6Address();
    V6 bytes;
    std::copy(std::begin(raw.c), std::end(raw.c), bytes.begin());
    return classifyV6(bytes);
}

bool isAddressAllowed(const QHostAddress &address, bool allowPrivate)
{
    switch (classify(address)) {
    case AddressClass::Public:
        return true;
    case AddressClass::Private:
        return allowPrivate;
    case AddressClass::Metadata:
    case AddressClass::Forbidden:
        return false;
    }
    return false;
}

bool isHostAllowed(QStringView host, const QStringList &allowedHosts)
{
    const QStringView wanted = strippedHost(host);
    if (wanted.isEmpty() || wanted.contains(u'*'))
        return false;
    // The common case without a lowered copy of either side: ASCII names and addresses. Not an
    // IPv6 literal (no ':'), so no other spelling of it can match. Anything else: matchesHost().
    const bool plain = isAscii(wanted) && !wanted.contains(u':');
    return std::any_of(allowedHosts.begin(), allowedHosts.end(), [&](const QString &entry) {
        const QStringView pattern = strippedHost(entry);
        if (pattern.isEmpty())
            return false;
        if (!plain || !isAscii(pattern))
            return matchesHost(normalizedHost(host), normalizedHost(entry));
        if (pattern.startsWith(u"*.")) {
            const QStringView suffix = pattern.sliced(1); // ".example.com"
            return wanted.size() > suffix.size()
                    && equalsAsciiLowered(wanted.last(suffix.size()), suffix);
        }
        return equalsAsciiLowered(wanted, pattern);
    });
}

} // namespace tap::proxy
