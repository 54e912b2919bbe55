#include "yamldoc.h"

#include <QRegularExpression>
#include <QStringList>

#include <yaml.h>

namespace tap::cli::yaml {

using namespace Qt::StringLiterals;

namespace {

// Owns one libyaml event.
struct Event
{
    yaml_event_t e{};
    bool valid = false;
    ~Event()
    {
        if (valid)
            yaml_event_delete(&e);
    }
    int line() const { return int(e.start_mark.line) + 1; }
    yaml_event_type_t type() const { return e.type; }
};

class Reader
{
public:
    explicit Reader(const QByteArray &input) : m_input(input)
    {
        yaml_parser_initialize(&m_parser);
        yaml_parser_set_input_string(&m_parser,
                                     reinterpret_cast<const unsigned char *>(m_input.constData()),
                                     size_t(m_input.size()));
    }
    ~Reader() { yaml_parser_delete(&m_parser); }
    Reader(const Reader &) = delete;
    Reader &operator=(const Reader &) = delete;

    std::optional<Node> document(ParseError *error);

private:
    bool next(Event &ev);
    bool fail(int line, const QString &message);
    // The node that starts with `ev`.
    bool node(Event &ev, int depth, Node &out);
    bool mapping(int depth, Node &out);
    bool sequence(int depth, Node &out);
    bool scalar(const Event &ev, Node &out);

    QByteArray m_input;
    yaml_parser_t m_parser{};
    ParseError m_error;
    int m_nodes = 0;
};

bool Reader::fail(int line, const QString &message)
{
    if (m_error.message.isEmpty())
        m_error = { line, message };
    return false;
}

bool Reader::next(Event &ev)
{
    if (!yaml_parser_parse(&m_parser, &ev.e)) {
        QString what = QString::fromUtf8(m_parser.problem ? m_parser.problem : "syntax error");
        const QString context = QString::fromUtf8(m_parser.context ? m_parser.context : "");
        if (!context.isEmpty())
            what += u" (%1 started on line %2)"_s.arg(context).arg(m_parser.context_mark.line + 1);
        return fail(int(m_parser.problem_mark.line) + 1, what);
    }
    ev.valid = true;
    return true;
}

bool Reader::scalar(const Event &ev, Node &out)
{
    const auto &s = ev.e.data.scalar;
    if (s.tag && !s.plain_implicit && !s.quoted_implicit)
        return fail(ev.line(), u"YAML tags are not supported"_s);
    out.kind = Node::Kind::Scalar;
    out.text = QString::fromUtf8(reinterpret_cast<const char *>(s.value), qsizetype(s.length));
    out.plain = s.style == YAML_PLAIN_SCALAR_STYLE;
    return true;
}

bool Reader::node(Event &ev, int depth, Node &out)
{
    if (++m_nodes > kMaxNodes)
        return fail(ev.line(), u"too many values (at most %1)"_s.arg(kMaxNodes));
    if (depth > kMaxDepth)
        return fail(ev.line(), u"nested too deeply (at most %1 levels)"_s.arg(kMaxDepth));
    out.line = ev.line();
    const yaml_event_type_t t = ev.type();
    if (t == YAML_ALIAS_EVENT)
        return fail(ev.line(), u"YAML aliases (*name) are not supported"_s);
    const unsigned char *anchor = t == YAML_SCALAR_EVENT ? ev.e.data.scalar.anchor
            : t == YAML_MAPPING_START_EVENT              ? ev.e.data.mapping_start.anchor
            : t == YAML_SEQUENCE_START_EVENT             ? ev.e.data.sequence_start.anchor
                                                         : nullptr;
    if (anchor)
        return fail(ev.line(), u"YAML anchors (&name) are not supported"_s);
    if (t == YAML_SCALAR_EVENT)
        return scalar(ev, out);
    if ((t == YAML_MAPPING_START_EVENT && ev.e.data.mapping_start.tag
         && !ev.e.data.mapping_start.implicit)
        || (t == YAML_SEQUENCE_START_EVENT && ev.e.data.sequence_start.tag
            && !ev.e.data.sequence_start.implicit))
        return fail(ev.line(), u"YAML tags are not supported"_s);
    if (t == YAML_MAPPING_START_EVENT)
        return mapping(depth, out);
    if (t == YAML_SEQUENCE_START_EVENT)
        return sequence(depth, out);
    return fail(ev.line(), u"unexpected YAML structure"_s);
}

bool Reader::mapping(int depth, Node &out)
{
    out.kind = Node::Kind::Map;
    for (;;) {
        Event key;
        if (!next(key))
            return false;
        if (key.type() == YAML_MAPPING_END_EVENT)
            return true;
        Node k;
        if (!node(key, depth + 1, k))
            return false;
        if (k.kind != Node::Kind::Scalar)
            return fail(key.line(), u"a key must be a plain word"_s);
        if (out.get(k.text))
            return fail(key.line(), u"duplicate key '%1'"_s.arg(k.text));
        Event value;
        if (!next(value))
            return false;
        Node v;
        if (!node(value, depth + 1, v))
            return false;
        out.map.append({ k.text, std::move(v) });
    }
}

bool Reader::sequence(int depth, Node &out)
{
    out.kind = Node::Kind::Seq;
    for (;;) {
        Event item;
        if (!next(item))
            return false;
        if (item.type() == YAML_SEQUENCE_END_EVENT)
            return true;
        Node v;
        if (!node(item, depth + 1, v))
            return false;
        out.seq.append(std::move(v));
    }
}

std::optional<Node> Reader::document(ParseError *error)
{
    auto done = [&](std::optional<Node> result) {
        if (!result && error)
            *error = m_error;
        return result;
    };
    if (m_input.size() > kMaxInputBytes)
        return done(
                (fail(0, u"the file is larger than %1 bytes"_s.arg(kMaxInputBytes)), std::nullopt));
    Event start;
    Event doc;
    if (!next(start) || !next(doc))
        return done(std::nullopt);
    if (doc.type() != YAML_DOCUMENT_START_EVENT)
        return done((fail(doc.line(), u"the file is empty"_s), std::nullopt));
    Event first;
    if (!next(first))
        return done(std::nullopt);
    Node root;
    if (!node(first, 1, root))
        return done(std::nullopt);
    Event docEnd;
    Event after;
    if (!next(docEnd) || !next(after))
        return done(std::nullopt);
    if (after.type() != YAML_STREAM_END_EVENT)
        return done((fail(after.line(), u"only one YAML document is allowed"_s), std::nullopt));
    return done(std::move(root));
}

// YAML double-quoted scalars accept JSON's escapes.
QString quote(const QString &s)
{
    QString out = u"\""_s;
    for (const QChar c : s) {
        if (c == u'"' || c == u'\\')
            out += u'\\' + QString(c);
        else if (c == u'\n')
            out += u"\\n"_s;
        else if (c == u'\t')
            out += u"\\t"_s;
        else if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            out += u"\\u%1"_s.arg(uint(c.unicode()), 4, 16, QChar(u'0'));
        else
            out += c;
    }
    return out + u'"';
}

// A string that reads back as the same string when written without quotes.
bool safePlain(const QString &s)
{
    static const QRegularExpression word(u"^[A-Za-z_./][A-Za-z0-9_./@+-]*\\z"_s);
    static const QStringList reserved{ u"true"_s, u"false"_s, u"yes"_s, u"no"_s, u"on"_s,
                                       u"off"_s,  u"null"_s,  u"y"_s,   u"n"_s };
    return word.match(s).hasMatch() && !reserved.contains(s.toLower());
}

// A typed value written as is: a boolean, null or a whole number.
bool typedLiteral(const QString &s)
{
    static const QRegularExpression literal(u"^(true|false|null|~|-?[0-9]{1,18})\\z"_s);
    return literal.match(s).hasMatch();
}

QString scalarText(const Node &n)
{
    if ((n.plain && typedLiteral(n.text)) || safePlain(n.text))
        return n.text;
    return quote(n.text);
}

QString flowText(const Node &n)
{
    if (n.kind == Node::Kind::Scalar)
        return scalarText(n);
    QStringList parts;
    if (n.kind == Node::Kind::Seq) {
        for (const Node &item : n.seq)
            parts << flowText(item);
        return u'[' + parts.join(u", "_s) + u']';
    }
    for (const auto &[k, v] : n.map)
        parts << scalarText(Node::string(k)) + u": "_s + flowText(v);
    return u'{' + parts.join(u", "_s) + u'}';
}

bool inlineValue(const Node &n)
{
    return n.kind == Node::Kind::Scalar || n.flow || (n.kind == Node::Kind::Seq && n.seq.isEmpty())
            || (n.kind == Node::Kind::Map && n.map.isEmpty());
}

void writeBlock(const Node &n, const QString &indent, QString &out);

void writeMapEntries(const Node &n, const QString &indent, bool firstInline, QString &out)
{
    bool first = firstInline;
    for (const auto &[k, v] : n.map) {
        out += (first ? QString() : indent) + scalarText(Node::string(k)) + u':';
        first = false;
        if (inlineValue(v)) {
            out += u' ' + flowText(v) + u'\n';
        } else {
            out += u'\n';
            writeBlock(v, indent + u"  "_s, out);
        }
    }
}

void writeBlock(const Node &n, const QString &indent, QString &out)
{
    if (n.kind == Node::Kind::Map) {
        writeMapEntries(n, indent, false, out);
        return;
    }
    for (const Node &item : n.seq) {
        out += indent + u"- "_s;
        if (item.kind == Node::Kind::Map && !item.flow && !item.map.isEmpty())
            writeMapEntries(item, indent + u"  "_s, true, out);
        else
            out += flowText(item) + u'\n';
    }
}

} // namespace

const Node *Node::get(const QString &key) const
{
    for (const auto &entry : map) {
        if (entry.first == key)
            return &entry.second;
    }
    return nullptr;
}

Node Node::string(const QString &s)
{
    Node n;
    n.text = s;
    return n;
}

Node Node::typed(const QString &literal)
{
    Node n;
    n.text = literal;
    n.plain = true;
    return n;
}

Node Node::list(const QStringList &items)
{
    Node n;
    n.kind = Kind::Seq;
    n.flow = true;
    for (const QString &s : items)
        n.seq << string(s);
    return n;
}

Node Node::mapping(bool inFlow)
{
    Node n;
    n.kind = Kind::Map;
    n.flow = inFlow;
    return n;
}

Node &Node::add(const QString &key, Node value)
{
    map.append({ key, std::move(value) });
    return *this;
}

std::optional<Node> parse(const QByteArray &input, ParseError *error)
{
    Reader reader(input);
    return reader.document(error);
}

QString write(const Node &root)
{
    if (inlineValue(root))
        return flowText(root) + u'\n';
    QString out;
    writeBlock(root, {}, out);
    return out;
}

} // namespace tap::cli::yaml
