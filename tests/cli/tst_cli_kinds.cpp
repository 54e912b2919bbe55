// Credential kinds through the real `tap` binary against a real tapd on both backends (README
// "Signing credentials"): `tap credential create --kind` with the parts as one JSON object,
// the kind's settings, set-value by the row's kind, list/show; `tap export` writes a signing
// credential's kind and settings (and nothing of a static one's) and `tap apply` recreates it
// with its parts; a kind change is refused before anything is sent. No part is ever printed.
#include "clitest.h"

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;
using namespace tap::test::cli;

namespace {

const QByteArray kKeyId = "AKIACLIKINDS0123456";
const QByteArray kSecretKey = "wJalrCLI/kinds+secret-key-0123456789";
const QByteArray kRotatedKey = "wJalrCLI/rotated+secret-key-987654";
const QByteArray kStatic = "sk-cli-kinds-static-0123456789";

QByteArray awsParts(const QByteArray &secretKey)
{
    return R"({"access_key_id": ")" + kKeyId + R"(", "secret_access_key": ")" + secretKey + R"("})";
}

bool leaks(const Run &r)
{
    for (const QByteArray &s : { kKeyId, kSecretKey, kRotatedKey, kStatic }) {
        if (r.out.contains(s) || r.err.contains(s))
            return true;
    }
    return false;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

} // namespace

class TestCliKinds : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { requireTapBinary(); }
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }

    void createShowSetValue();
    void exportApply();
};

void TestCliKinds::createShowSetValue()
{
    World w;
    QVERIFY(setUp(w, u"cli-kinds"_s));
    QVERIFY(logIn(w));
    const Run created = w.tap({ u"credential"_s, u"create"_s, u"s3"_s, u"--kind"_s, u"aws_sigv4"_s,
                                u"--region"_s, u"eu-central-1"_s, u"--service"_s, u"s3"_s },
                              awsParts(kSecretKey) + '\n');
    TAP_OK(created);
    QVERIFY(!leaks(created));
    TAP_OK(w.tap({ u"add"_s, u"plain"_s }, kStatic + '\n'));

    const Run show = w.tap({ u"credential"_s, u"show"_s, u"s3"_s });
    TAP_OK(show);
    QVERIFY2(show.out.contains("aws_sigv4") && show.out.contains("eu-central-1")
                     && show.out.contains("secret_access_key") && !leaks(show),
             show.out.constData());
    const Run table = w.tap({ u"credential"_s, u"list"_s });
    TAP_OK(table);
    QVERIFY2(table.out.contains("KIND") && table.out.contains("aws_sigv4"), table.out.constData());

    // set-value sends parts for a signing row and text for a static one.
    TAP_OK(w.tap({ u"credential"_s, u"set-value"_s, u"s3"_s }, awsParts(kRotatedKey) + '\n'));
    TAP_OK(w.tap({ u"credential"_s, u"set-value"_s, u"plain"_s }, "{\"not\": \"parts\"}\n"));
    TAP_OK(w.tap({ u"credential"_s, u"update"_s, u"s3"_s, u"--region"_s, u"us-east-1"_s }));
    const QJsonObject row = w.admin().get("/admin/credentials/s3").json();
    QCOMPARE(row[u"region"_s].toString(), u"us-east-1"_s);
    QCOMPARE(row[u"parts_set"_s].toArray(),
             QJsonArray({ u"access_key_id"_s, u"secret_access_key"_s }));

    // Not a JSON object of parts: refused by tap, the text never repeated; bad kinds are usage.
    const Run notParts = w.tap({ u"credential"_s, u"set-value"_s, u"s3"_s }, kRotatedKey + '\n');
    TAP_FAILS(notParts, 1, "is one JSON object of its parts");
    QVERIFY(!leaks(notParts));
    TAP_FAILS(w.tap({ u"credential"_s, u"create"_s, u"x"_s, u"--kind"_s, u"hmac"_s }), 2,
              "--kind must be static, oauth1, aws_sigv4 or oauth2");
    // The server's refusal of a missing part names the part, not a value.
    const Run missing = w.tap({ u"credential"_s, u"create"_s, u"s3b"_s, u"--kind"_s, u"aws_sigv4"_s,
                                u"--region"_s, u"eu-central-1"_s, u"--service"_s, u"s3"_s },
                              R"({"access_key_id": ")" + kKeyId + "\"}\n");
    TAP_FAILS(missing, 1, "secret_access_key");
    QVERIFY(!leaks(missing));
    QVERIFY(!w.tapd.log().contains(kSecretKey) && !w.tapd.log().contains(kRotatedKey));
}

void TestCliKinds::exportApply()
{
    World w;
    QVERIFY(setUp(w, u"cli-kinds-a"_s));
    QVERIFY(logIn(w));
    TAP_OK(w.tap({ u"credential"_s, u"create"_s, u"s3"_s, u"--kind"_s, u"aws_sigv4"_s,
                   u"--region"_s, u"eu-central-1"_s, u"--service"_s, u"s3"_s },
                 awsParts(kSecretKey) + '\n'));
    TAP_OK(w.tap({ u"add"_s, u"plain"_s }, kStatic + '\n'));
    const Run exported = w.tap({ u"export"_s });
    TAP_OK(exported);
    QVERIFY(!leaks(exported));
    const QByteArray &a = exported.out;
    // The signing row carries its kind and settings; the static row stays as files were.
    const QByteArray s3 = a.mid(a.indexOf("name: s3"));
    const QByteArray plain =
            a.mid(a.indexOf("name: plain"), a.indexOf("name: s3") - a.indexOf("name: plain"));
    QVERIFY2(s3.contains("kind: aws_sigv4") && s3.contains("region: eu-central-1")
                     && s3.contains("service: s3") && s3.contains("TAP_CRED_S3"),
             a.constData());
    QVERIFY2(!plain.contains("kind:") && !plain.contains("region:"), a.constData());
    const QString file = w.home.filePath(u"team.yaml"_s);
    QVERIFY(writeFile(file, a));

    // Team B: the parts come from the environment as one JSON object.
    const Account b = signUp(w.tapd, u"cli-kinds-b"_s, u"kinds-b@example.test"_s);
    QVERIFY(!b.token.isEmpty());
    w.extraEnv.insert(u"TAP_SESSION"_s, QString::fromLatin1(b.token));
    w.extraEnv.insert(u"TAP_CRED_PLAIN"_s, QString::fromLatin1(kStatic));
    w.extraEnv.insert(u"TAP_CRED_S3"_s, QString::fromLatin1(kSecretKey)); // not parts
    const Run notParts = w.tap({ u"apply"_s, u"-f"_s, file });
    QCOMPARE(notParts.code, 1);
    QVERIFY2(notParts.err.contains("TAP_CRED_S3")
                     && notParts.err.contains("is not a JSON object of the credential's parts")
                     && notParts.err.contains("nothing was changed"),
             notParts.err.constData());
    QVERIFY(!leaks(notParts));
    const HttpClient apiB = w.tapd.client(b.token);
    QCOMPARE(apiB.get("/admin/credentials").json()[u"credentials"_s].toArray().size(), 0);

    w.extraEnv.insert(u"TAP_CRED_S3"_s, QString::fromLatin1(awsParts(kSecretKey)));
    const Run applied = w.tap({ u"apply"_s, u"-f"_s, file });
    TAP_OK(applied);
    QVERIFY(!leaks(applied));
    const QJsonObject row = apiB.get("/admin/credentials/s3").json();
    QCOMPARE(row[u"kind"_s].toString(), u"aws_sigv4"_s);
    QCOMPARE(row[u"service"_s].toString(), u"s3"_s);
    QCOMPARE(row[u"parts_set"_s].toArray().size(), 2);
    // A static credential's wire shape is what it was before kinds (no "kind").
    QCOMPARE(apiB.get("/admin/credentials/plain").json()[u"kind"_s].toString(u"static"_s),
             u"static"_s);
    const Run exportB = w.tap({ u"export"_s });
    TAP_OK(exportB);
    QCOMPARE(exportB.out, a);
    QVERIFY2(w.tap({ u"apply"_s, u"-f"_s, file }).out.contains("No changes"), "idempotent");

    // A kind cannot change in place: refused in the plan, nothing sent.
    QByteArray changed = a;
    changed.replace("kind: aws_sigv4", "kind: oauth1");
    QVERIFY(writeFile(file, changed));
    const Run refused = w.tap({ u"apply"_s, u"-f"_s, file });
    QCOMPARE(refused.code, 1);
    QVERIFY2(refused.err.contains("a credential's kind cannot change"), refused.err.constData());
    QCOMPARE(apiB.get("/admin/credentials/s3").json()[u"kind"_s].toString(), u"aws_sigv4"_s);
}

QTEST_MAIN(TestCliKinds)
#include "tst_cli_kinds.moc"
