// Differential fuzzing of the /forward target: the URL the policy decides on against the URL
// that is sent (common/domain/proxy/targeturl, common/domain/policy). Input: one mode byte, then
// the target text (absolute, under a fixed origin, or a relative_target path). Checked for every
// accepted target: the URL handed to libcurl is the normalised text byte for byte; normalising
// it again changes nothing; no segment of the sent path is "." or ".." for any server (after
// decoding as often as it likes, splitting at '\', dropping ";params"); the policy view is
// exactly origin + path of what is sent; an auto_approve_urls entry taken from the input that
// the policy accepts really occurs in the sent path; relative targets stay under api_base.
#include "policy/policyevaluator.h"
#include "proxy/targeturl.h"

#include <cstdio>
#include <cstdlib>

namespace proxy = tap::proxy;
namespace policy = tap::policy;

namespace {

[[noreturn]] void fail(const char *what, const QString &input, const QByteArray &wire)
{
    fprintf(stderr, "target: %s\n  input %s\n  wire  %s\n", what,
            input.toUtf8().toHex().constData(), wire.constData());
    abort();
}

// What a lenient server makes of a sent path: every decoding, both slashes, no parameters.
bool hasDotSegmentAnywhere(QByteArray path)
{
    for (int round = 0; round < 6; ++round)
        path = QByteArray::fromPercentEncoding(path);
    path.replace('\\', '/');
    for (QByteArray segment : path.split('/')) {
        const qsizetype semicolon = segment.indexOf(';');
        if (semicolon >= 0)
            segment.truncate(semicolon);
        if (segment == "." || segment == "..")
            return true;
    }
    return false;
}

// The path of a normalised absolute URL, as the upstream's request line carries it.
QByteArray sentPath(const QByteArray &wire, qsizetype originLength)
{
    const qsizetype question = wire.indexOf('?', originLength);
    return wire.mid(originLength, question < 0 ? -1 : question - originLength);
}

void checkAbsolute(const QString &input, const QString &entry)
{
    const auto t = proxy::normalizeTarget(input);
    if (!t.ok())
        return;
    const QByteArray wire = t->wire;
    if (t->url.toEncoded() != wire)
        fail("the URL sent differs from the URL decided on", input, wire);
    const auto again = proxy::normalizeTarget(QString::fromLatin1(wire));
    if (!again.ok() || again->wire != wire || again->policyView != t->policyView)
        fail("normalisation is not idempotent", input, wire);
    const qsizetype originLength = wire.indexOf('/', wire.indexOf("//") + 2);
    if (originLength < 0)
        fail("no path", input, wire);
    const QByteArray path = sentPath(wire, originLength);
    if (hasDotSegmentAnywhere(path))
        fail("a dot segment reaches the upstream", input, wire);
    if (wire.contains('#'))
        fail("a fragment reaches the upstream", input, wire);
    if (!t->policyView.isEmpty() && t->policyView.toLatin1() != wire.left(originLength) + path)
        fail("the policy view is not what is sent", input, wire);
    if (t->policyView.isEmpty() && !path.contains(';') && !path.contains("%3B"))
        fail("no policy view without path parameters", input, wire);
    if (entry.isEmpty())
        return;
    const policy::Rules rules{ {}, { QStringLiteral("DELETE") }, { entry } };
    const policy::Decision d = policy::evaluate(rules, u"DELETE", t->policyView);
    if (d.verdict == policy::Verdict::AutoApprove
        && !QString::fromLatin1(wire.left(originLength) + path).contains(entry))
        fail("auto-approved by an entry the sent URL does not hold", input, wire);
}

void checkRelative(const QString &input)
{
    const auto d = proxy::resolveDestination(u"sidecar", QStringLiteral("https://api.example/base"),
                                             true, input);
    if (!d.ok())
        return;
    const QByteArray wire = d->connectTo.toEncoded();
    if (wire != d->target.wire)
        fail("the URL sent differs from the URL decided on", input, wire);
    if (!wire.startsWith("https://api.example/base/"))
        fail("a relative target left api_base", input, wire);
    const QByteArray path = sentPath(wire, qsizetype(sizeof("https://api.example") - 1));
    if (hasDotSegmentAnywhere(path) || QByteArray::fromPercentEncoding(path).contains('\\'))
        fail("a relative target holds a dot segment or backslash", input, wire);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    const QByteArray raw(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    // An optional "\n<entry>" at the end is the policy's auto_approve_urls entry.
    const qsizetype newline = raw.lastIndexOf('\n');
    const QString text = QString::fromUtf8(newline < 0 ? raw : raw.left(newline));
    const QString entry = newline < 0 ? QString() : QString::fromUtf8(raw.mid(newline + 1));
    switch (data[0] % 3) {
    case 0:
        checkAbsolute(text, entry);
        break;
    case 1:
        checkAbsolute(QStringLiteral("http://h.example/") + text, entry);
        break;
    default:
        checkRelative(text);
        break;
    }
    return 0;
}
