#pragma once

#include "core/secretbytes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace tap::sanitizer {

struct Secret
{
    QString name; // credential name, shown in "[REDACTED:<name>]"; not secret
    core::SecretBytes value;
};

// Removes credential values from text that leaves the process (seed how-it-works-v1,
// "Response Sanitization": exact, base64 and URL-encoded variants become
// "[REDACTED:credential-name]").
//
// For every secret with a non-empty value the patterns are, deduplicated:
//   - the exact bytes;
//   - standard base64 and base64url (RFC 4648 §4, §5), each with and without '=' padding;
//   - the base64/base64url characters that depend only on the secret when it sits at byte
//     offset 0, 1 or 2 of a longer encoded run (e.g. the password inside an echoed
//     "Authorization: Basic base64(user:password)"), for secrets of at least 6 bytes;
//   - RFC 3986 §2.1 percent-encoding (unreserved kept, all else %XX), upper- and lower-case hex;
//   - the same with space as '+', and the WHATWG application/x-www-form-urlencoded serializer
//     (keeps *-._, encodes ~), upper- and lower-case hex;
//   - the JSON string escaping of the value (RFC 8259 §7), when it differs from the bytes, also
//     with every non-ASCII character as \uXXXX (lower- and upper-case hex, '/' as is or as
//     "\/"), as Python's json.dumps and PHP's json_encode write it by default.
// Matching is leftmost-first; at one position the longest pattern wins; matches do not overlap.
// A pattern shared by two secrets is reported under the first one.
//
// Streaming: feed() returns only bytes that can no longer be part of a match and keeps the
// rest (at most maxPatternLength() - 1 bytes, usually far fewer) for the next call, so a secret
// split across any chunk boundary is still found; finish() flushes. There is no size above
// which scanning stops. Cost: one Aho-Corasick automaton step per input byte (amortised O(1),
// independent of the number of secrets) plus O(pattern length) per redaction.
//
// Not guaranteed: encodings other than those listed (hex, double encoding, base64 with line
// breaks, UTF-16, compression) and secrets shorter than a few bytes, which will also redact
// innocent text that happens to contain them.
class Scrubber
{
public:
    explicit Scrubber(const QList<Secret> &secrets);

    // Returns the scrubbed bytes of the stream that are final so far.
    QByteArray feed(QByteArrayView chunk);
    // Returns the rest of the stream and resets the streaming state (redactions() is kept).
    QByteArray finish();
    // Scrubs a complete value in one go (e.g. a header value), independent of feed()/finish().
    QByteArray scrubAll(QByteArrayView whole);

    // Replacements made so far by feed(), finish() and scrubAll().
    int redactions() const { return m_redactions; }
    bool isEmpty() const { return m_nodes.size() <= 1; }
    qsizetype maxPatternLength() const { return m_maxPatternLength; }

private:
    // One state of the Aho-Corasick automaton (a node of the pattern trie).
    struct Node
    {
        qsizetype firstEdge = 0; // into m_labels / m_targets, sorted by label
        int edgeCount = 0;
        int fail = 0; // longest proper suffix that is also a trie node
        int output = -1; // this node or the nearest fail ancestor that ends a pattern
        int depth = 0;
        int secret = -1; // index into m_replacements when this node ends a pattern
        int openDepth = 0; // depth of the deepest node on the fail chain that has children
    };
    struct Hit
    {
        qint64 start = -1; // absolute stream position; the slot is stale unless it matches
        qsizetype length = 0;
        int secret = -1;
    };
    struct Stream
    {
        int state = 0;
        qint64 cursor = 0; // first byte not yet emitted or replaced
        qint64 lastHitStart = -1;
        QByteArray pending; // the bytes from cursor to the end of what has been scanned
        QList<Hit> hits; // longest match starting at each pending position, by position % size
    };

    void build(const QList<QList<QByteArray>> &patternsBySecret);
    int step(int state, uchar byte) const;
    QByteArray run(Stream &stream, QByteArrayView chunk, bool flush);
    void recordMatches(Stream &stream, qint64 end) const;

    QList<Node> m_nodes;
    core::SecretBytes m_labels; // edge bytes of the trie: secret material
    QList<int> m_targets;
    QList<int> m_rootNext; // 256 entries: the root's full transition table
    QList<QByteArray> m_replacements;
    qsizetype m_maxPatternLength = 0;
    int m_redactions = 0;
    Stream m_stream;
};

} // namespace tap::sanitizer
