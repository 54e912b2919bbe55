#include "sanitizer/scrubber.h"

#include <algorithm>

namespace tap::sanitizer {

namespace {

// Below this length the base64 "cores" (see patternsFor) get short enough to hit innocent
// base64 text; the full encodings are still matched.
constexpr qsizetype MinLengthForBase64Cores = 6;

bool isUnreserved(uchar c) // RFC 3986 §2.3
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
            || c == '.' || c == '_' || c == '~';
}

bool isFormSafe(uchar c) // WHATWG URL, application/x-www-form-urlencoded percent-encode set
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*'
            || c == '-' || c == '.' || c == '_';
}

QByteArray percentEncoded(QByteArrayView value, bool (*keep)(uchar), bool spaceAsPlus, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    QByteArray out;
    out.reserve(value.size() * 3);
    for (const char ch : value) {
        const auto c = uchar(ch);
        if (keep(c)) {
            out.append(ch);
        } else if (spaceAsPlus && c == ' ') {
            out.append('+');
        } else {
            out.append('%').append(digits[c >> 4]).append(digits[c & 0xf]);
        }
    }
    return out;
}

// The characters of base64(prefix ‖ value) that depend on `value` alone, where the prefix is
// `offset` bytes: what a secret looks like inside a longer base64 run, e.g. the password in
// base64("user:password") of an echoed Basic Authorization header (RFC 7617 §2).
QByteArray base64Core(QByteArrayView value, int offset, QByteArray::Base64Options options)
{
    QByteArray input(offset, '\0');
    input.append(value);
    QByteArray encoded = input.toBase64(options | QByteArray::OmitTrailingEquals);
    const qsizetype first = (8 * offset + 5) / 6; // first character with no prefix bits
    const qsizetype last = 8 * (offset + value.size()) / 6; // characters with no following bits
    QByteArray core = encoded.mid(first, last - first);
    core::wipe(input);
    core::wipe(encoded);
    return core;
}

// RFC 8259 §7 string escaping, the way common serializers write it (optionally "\/" as PHP's
// json_encode does). Non-ASCII is left as UTF-8.
QByteArray jsonEscaped(QByteArrayView value, bool escapeSlash)
{
    QByteArray out;
    out.reserve(value.size() + 8);
    for (const char ch : value) {
        const auto c = uchar(ch);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        case '/':
            out.append(escapeSlash ? "\\/" : "/");
            break;
        default:
            if (c < 0x20)
                out.append("\\u00")
                        .append("0123456789abcdef"[c >> 4])
                        .append("0123456789abcdef"[c & 0xf]);
            else
                out.append(ch);
        }
    }
    return out;
}

// The same with every non-ASCII character as a \uXXXX escape (UTF-16 code units, surrogate
// pairs beyond the BMP), as Python's json.dumps and PHP's json_encode write by default. Empty
// when the value is all ASCII (jsonEscaped covers it) or not UTF-8.
QByteArray jsonAsciiEscaped(QByteArrayView value, bool escapeSlash, bool upperHex)
{
    const char *digits = upperHex ? "0123456789ABCDEF" : "0123456789abcdef";
    QByteArray out;
    const auto unit = [&](char32_t u) {
        out.append("\\u");
        for (int shift = 12; shift >= 0; shift -= 4)
            out.append(digits[(u >> shift) & 0xf]);
    };
    bool nonAscii = false;
    for (qsizetype i = 0; i < value.size();) {
        const auto c = uchar(value[i]);
        if (c < 0x80) {
            out.append(jsonEscaped(value.sliced(i, 1), escapeSlash));
            ++i;
            continue;
        }
        const int length = c >= 0xf8 ? 0 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
        bool valid = length > 0 && i + length <= value.size();
        char32_t point = c & (0x7f >> length);
        for (int k = 1; valid && k < length; ++k) {
            const auto next = uchar(value[i + k]);
            valid = (next & 0xc0) == 0x80;
            point = (point << 6) | (next & 0x3f);
        }
        if (!valid) {
            core::wipe(out);
            return {};
        }
        if (point >= 0x10000) {
            unit(0xd800 + ((point - 0x10000) >> 10));
            unit(0xdc00 + ((point - 0x10000) & 0x3ff));
        } else {
            unit(point);
        }
        nonAscii = true;
        i += length;
    }
    if (!nonAscii)
        core::wipe(out);
    return nonAscii ? out : QByteArray();
}

QList<QByteArray> patternsFor(QByteArrayView value)
{
    using Opt = QByteArray::Base64Option;
    const QByteArray raw = value.toByteArray();
    QList<QByteArray> patterns{ raw };
    for (const auto alphabet : { Opt::Base64Encoding, Opt::Base64UrlEncoding }) {
        patterns.append(raw.toBase64(alphabet));
        patterns.append(raw.toBase64(alphabet | Opt::OmitTrailingEquals));
        if (value.size() >= MinLengthForBase64Cores) {
            for (int offset = 0; offset < 3; ++offset)
                patterns.append(base64Core(value, offset, alphabet));
        }
    }
    for (const bool upper : { true, false }) {
        patterns.append(percentEncoded(value, isUnreserved, false, upper));
        patterns.append(percentEncoded(value, isUnreserved, true, upper));
        patterns.append(percentEncoded(value, isFormSafe, true, upper));
    }
    patterns.append(jsonEscaped(value, false));
    patterns.append(jsonEscaped(value, true));
    for (const bool slash : { false, true }) {
        for (const bool upper : { false, true })
            patterns.append(jsonAsciiEscaped(value, slash, upper));
    }
    return patterns; // duplicates collapse in the trie
}

} // namespace

Scrubber::Scrubber(const QList<Secret> &secrets)
{
    QList<QList<QByteArray>> patternsBySecret;
    for (const Secret &secret : secrets) {
        if (secret.value.isEmpty())
            continue;
        patternsBySecret.append(patternsFor(secret.value.view()));
        QByteArray replacement = QByteArrayLiteral("[REDACTED:");
        replacement += secret.name.toUtf8();
        replacement += ']';
        m_replacements.append(replacement);
    }
    build(patternsBySecret);
    for (QList<QByteArray> &patterns : patternsBySecret) {
        for (QByteArray &pattern : patterns)
            core::wipe(pattern);
    }
}

// Aho & Corasick, "Efficient string matching" (CACM 18(6), 1975): a trie of all patterns
// plus failure links, so the text is read once whatever the number of patterns.
void Scrubber::build(const QList<QList<QByteArray>> &patternsBySecret)
{
    QList<QByteArray> childLabels(1);
    QList<QList<int>> childTargets(1);
    m_nodes.resize(1);
    const auto childOf = [&](int node, uchar byte) {
        const qsizetype i = childLabels.at(node).indexOf(char(byte));
        return i < 0 ? -1 : childTargets.at(node).at(i);
    };
    for (int secret = 0; secret < patternsBySecret.size(); ++secret) {
        for (const QByteArray &pattern : patternsBySecret.at(secret)) {
            if (pattern.isEmpty())
                continue;
            int node = 0;
            for (const char ch : pattern) {
                int next = childOf(node, uchar(ch));
                if (next < 0) {
                    next = int(m_nodes.size());
                    Node added;
                    added.depth = m_nodes.at(node).depth + 1;
                    m_nodes.append(added);
                    childLabels.append(QByteArray());
                    childTargets.append(QList<int>());
                    childLabels[node].append(ch);
                    childTargets[node].append(next);
                }
                node = next;
            }
            if (m_nodes.at(node).secret < 0)
                m_nodes[node].secret = secret;
            m_maxPatternLength = std::max(m_maxPatternLength, pattern.size());
        }
    }
    // Breadth-first, so a node's failure target (which is shallower) is complete before it.
    QList<int> queue{ 0 };
    for (qsizetype head = 0; head < queue.size(); ++head) {
        const int node = queue.at(head);
        for (qsizetype i = 0; i < childLabels.at(node).size(); ++i) {
            const auto byte = uchar(childLabels.at(node).at(i));
            const int child = childTargets.at(node).at(i);
            int fail = 0;
            if (node != 0) {
                int f = m_nodes.at(node).fail;
                while (f != 0 && childOf(f, byte) < 0)
                    f = m_nodes.at(f).fail;
                fail = std::max(childOf(f, byte), 0);
            }
            Node &n = m_nodes[child];
            n.fail = fail;
            n.output = n.secret >= 0 ? child : m_nodes.at(fail).output;
            n.openDepth = childLabels.at(child).isEmpty() ? m_nodes.at(fail).openDepth : n.depth;
            queue.append(child);
        }
    }
    m_rootNext.fill(0, 256);
    for (int byte = 0; byte < 256; ++byte)
        m_rootNext[byte] = std::max(childOf(0, uchar(byte)), 0);
    QByteArray labels;
    for (qsizetype node = 0; node < m_nodes.size(); ++node) {
        m_nodes[node].firstEdge = labels.size();
        m_nodes[node].edgeCount = int(childLabels.at(node).size());
        labels.append(childLabels.at(node));
        m_targets.append(childTargets.at(node));
        core::wipe(childLabels[node]);
    }
    m_labels = core::SecretBytes::adopt(std::move(labels));
}

int Scrubber::step(int state, uchar byte) const
{
    const Node *nodes = m_nodes.constData();
    const char *labels = m_labels.constData();
    while (state != 0) {
        const Node &node = nodes[state];
        for (int i = 0; i < node.edgeCount; ++i) {
            if (uchar(labels[node.firstEdge + i]) == byte)
                return m_targets.at(node.firstEdge + i);
        }
        state = node.fail;
    }
    return m_rootNext.at(byte);
}

// Notes every pattern that ends at stream position `end`: the output chain lists them from
// the longest (earliest start) to the shortest. Only the longest match per start is kept.
void Scrubber::recordMatches(Stream &stream, qint64 end) const
{
    for (int t = m_nodes.at(stream.state).output; t >= 0;
         t = m_nodes.at(m_nodes.at(t).fail).output) {
        const Node &node = m_nodes.at(t);
        const qint64 start = end + 1 - node.depth;
        if (start < stream.cursor)
            continue; // inside text that is already decided
        Hit &hit = stream.hits[start % m_maxPatternLength];
        if (hit.start != start || hit.length < node.depth)
            hit = Hit{ start, node.depth, node.secret };
        stream.lastHitStart = std::max(stream.lastHitStart, start);
    }
}

// Scans `chunk` after the pending bytes. A position is decided once no pattern that starts
// there can still be incomplete, i.e. once it lies before the deepest open trie node on the
// current state's failure chain (Node::openDepth); then the longest match starting there, if
// any, is replaced, and the bytes before it are emitted unchanged.
QByteArray Scrubber::run(Stream &stream, QByteArrayView chunk, bool flush)
{
    if (isEmpty())
        return chunk.toByteArray();
    if (stream.hits.isEmpty())
        stream.hits.resize(m_maxPatternLength);
    QByteArray joined;
    QByteArrayView data = chunk;
    const qsizetype scanFrom = stream.pending.size();
    if (scanFrom > 0) {
        joined = stream.pending + chunk.toByteArray();
        data = joined;
    }
    const qint64 base = stream.cursor; // stream position of data[0]
    qint64 emitted = base;
    QByteArray out;
    out.reserve(data.size());
    const auto decideUpTo = [&](qint64 limit) {
        while (stream.cursor < limit) {
            if (stream.lastHitStart < stream.cursor) {
                stream.cursor = limit; // no match starts in [cursor, limit)
                return;
            }
            const Hit &hit = stream.hits.at(stream.cursor % m_maxPatternLength);
            if (hit.start != stream.cursor) {
                ++stream.cursor;
                continue;
            }
            out.append(data.sliced(emitted - base, stream.cursor - emitted));
            out.append(m_replacements.at(hit.secret));
            ++m_redactions;
            stream.cursor += hit.length;
            emitted = stream.cursor;
        }
    };
    const Node *nodes = m_nodes.constData();
    for (qsizetype i = scanFrom; i < data.size(); ++i) {
        stream.state = step(stream.state, uchar(data[i]));
        const Node &node = nodes[stream.state];
        if (node.output >= 0)
            recordMatches(stream, base + i);
        decideUpTo(base + i + 1 - node.openDepth);
    }
    if (flush)
        decideUpTo(base + data.size());
    out.append(data.sliced(emitted - base, stream.cursor - emitted));
    stream.pending = data.sliced(stream.cursor - base).toByteArray();
    if (flush) {
        stream.state = 0;
        stream.cursor = 0;
        stream.lastHitStart = -1;
        stream.hits.fill(Hit{});
    }
    return out;
}

QByteArray Scrubber::feed(QByteArrayView chunk)
{
    return run(m_stream, chunk, false);
}

QByteArray Scrubber::finish()
{
    return run(m_stream, {}, true);
}

QByteArray Scrubber::scrubAll(QByteArrayView whole)
{
    Stream oneShot;
    return run(oneShot, whole, true);
}

} // namespace tap::sanitizer
