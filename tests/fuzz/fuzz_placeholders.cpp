// Fuzzing of the legacy placeholder parser (common/domain/placeholders): validate() and, when it
// accepts, substitute(). Input: a content-type line, a target line, "Name: value" header lines,
// an empty line, then the body. Checked: no crash or sanitizer finding; when both accept, the
// headers are the same in number, no substituted value brings a CR, LF or NUL into a header
// (the inputs' own bytes are the HTTP parser's business) and no header keeps a placeholder.
#include "placeholders/placeholders.h"

#include <cstdio>
#include <cstdlib>

using tap::core::SecretBytes;
namespace placeholders = tap::placeholders;

namespace {

[[noreturn]] void fail(const char *what, const uint8_t *data, size_t size)
{
    fprintf(stderr, "placeholders: %s\n  input %s\n", what,
            QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)).toHex().constData());
    abort();
}

placeholders::Input parse(const QByteArray &raw)
{
    placeholders::Input in;
    const qsizetype split = raw.indexOf("\n\n");
    const QList<QByteArray> lines = (split < 0 ? raw : raw.left(split)).split('\n');
    in.body = split < 0 ? QByteArray() : raw.mid(split + 2);
    in.contentType = lines.value(0);
    in.target = lines.value(1);
    for (qsizetype i = 2; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            in.headers.append({ lines.at(i).left(colon), lines.at(i).mid(colon + 1).trimmed() });
    }
    return in;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray raw(reinterpret_cast<const char *>(data), qsizetype(size));
    const placeholders::Input in = parse(raw);
    const auto fields = [](const QString &credential) {
        return credential.startsWith(u'f')
                ? QStringList{ QStringLiteral("token") }
                : QStringList{ QStringLiteral("token"), QStringLiteral("password") };
    };
    const auto checked = placeholders::validate(in, fields);
    if (!checked)
        return 0;
    static const SecretBytes plain(QByteArrayView("s3cr3t-value"));
    static const SecretBytes odd(QByteArrayView("a\"b\\c d&e=f\xc3\xa4"));
    static const SecretBytes broken(QByteArrayView("line\r\nbreak"));
    const auto values = [](const QString &credential) -> const SecretBytes * {
        if (credential.startsWith(u'x'))
            return nullptr;
        if (credential.startsWith(u'b'))
            return &broken;
        return credential.size() % 2 ? &plain : &odd;
    };
    const auto result = placeholders::substitute(in, values);
    if (!result)
        return 0;
    const auto unsafe = [](const QByteArray &value) {
        return value.contains('\r') || value.contains('\n') || value.contains('\0');
    };
    const placeholders::HeaderList &out = result.value().headers;
    if (out.size() != in.headers.size())
        fail("substitute() changed the number of headers", data, size);
    for (qsizetype i = 0; i < out.size(); ++i) {
        const QByteArray &value = out.at(i).second;
        if (unsafe(value) && !unsafe(in.headers.at(i).second))
            fail("a substituted value brought CR, LF or NUL into a header", data, size);
        if (QString::fromLatin1(value).contains(QLatin1String("<credential:"), Qt::CaseInsensitive))
            fail("a substituted header value still holds a placeholder", data, size);
    }
    return 0;
}
