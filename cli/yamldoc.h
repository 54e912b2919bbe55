// The YAML of `tap export` / `tap apply`: a bounded reader on libyaml's event parser (block and
// flow style, quoting, comments; no anchors, aliases, tags or multiple documents) into an
// ordered tree with line numbers, and a writer of the same tree with stable, diff-friendly
// output. Interpreting the tree (which keys, which types) is config.cpp's business.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace tap::cli::yaml {

constexpr qsizetype kMaxInputBytes = 1024 * 1024;
constexpr int kMaxDepth = 16;
constexpr int kMaxNodes = 100000;

struct Node
{
    enum class Kind { Scalar, Map, Seq };
    Kind kind = Kind::Scalar;
    QString text; // Scalar
    // Scalar: written without quotes. Read: a plain scalar (so `true`, `12`, `null` are typed
    // values); written: emitted as is (typed values), otherwise quoted when needed.
    bool plain = false;
    QList<std::pair<QString, Node>> map; // Map, in document order
    QList<Node> seq; // Seq
    int line = 0; // 1-based, read only
    bool flow = false; // written in flow style ([a, b], {k: v})

    bool isNull() const
    {
        return kind == Kind::Scalar && plain
                && (text.isEmpty() || text == u"~" || text == u"null" || text == u"Null"
                    || text == u"NULL");
    }
    const Node *get(const QString &key) const;

    static Node string(const QString &s);
    static Node typed(const QString &literal); // true, 12, null
    static Node list(const QStringList &items); // flow sequence of strings
    static Node mapping(bool inFlow = false);
    Node &add(const QString &key, Node value);
};

struct ParseError
{
    int line = 0;
    QString message;
};

// Parses one document; nullopt and `error` set when the input is not acceptable.
std::optional<Node> parse(const QByteArray &input, ParseError *error);
QString write(const Node &root);

} // namespace tap::cli::yaml
