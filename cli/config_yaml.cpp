// The YAML schema of a team's configuration, both ways. One table of fields per kind: the
// reader checks every key and type against it (with line numbers) and fills the defaults of
// omitted fields, so a file is the whole truth about the objects it lists.
#include "config.h"

#include <QDir>
#include <QJsonArray>
#include <QRegularExpression>

namespace tap::cli::config {

using namespace Qt::StringLiterals;
using yaml::Node;

namespace {

enum class Type { Text, Bool, Limit, List, UpperList, LowerList, Policy, Config };

struct Field
{
    QString key;
    Type type;
    QJsonValue def; // the value of an omitted field (Text: "" unless given)
};

constexpr int kMaxListItems = 1000;

const QList<Field> &policyFields()
{
    static const QList<Field> f{
        { u"auto_approve_methods"_s, Type::UpperList, QJsonArray() },
        { u"require_approval_methods"_s, Type::UpperList, QJsonArray() },
        { u"auto_approve_urls"_s, Type::List, QJsonArray() },
        { u"allowed_approvers"_s, Type::List, QJsonArray() },
        { u"telegram_chat_id"_s, Type::Text, u""_s },
        { u"matrix_room_id"_s, Type::Text, u""_s },
        { u"approval_channel"_s, Type::Text, u""_s },
        { u"require_passkey"_s, Type::Bool, false },
    };
    return f;
}

// The settings of each kind, in the order they are written. `name` (and the secret's key) are
// handled apart.
const QList<Field> &fieldsOf(Kind kind)
{
    static const QList<Field> credential{
        { u"scope_kind"_s, Type::Text, u"team"_s }, // written only for role and agent rows
        { u"scope_id"_s, Type::Text, u""_s },
        { u"kind"_s, Type::Text, u"static"_s }, // this and the kind's settings: written when set
        { u"description"_s, Type::Text, QJsonValue() }, // default: the name
        { u"connector"_s, Type::Text, u"direct"_s },
        { u"api_base"_s, Type::Text, u""_s },
        { u"relative_target"_s, Type::Bool, false },
        { u"auth_header_format"_s, Type::Text, u"Bearer {value}"_s },
        { u"allowed_hosts"_s, Type::LowerList, QJsonArray() },
        { u"body_placeholder_fields"_s, Type::List, QJsonArray() },
        { u"region"_s, Type::Text, u""_s },
        { u"service"_s, Type::Text, u""_s },
        { u"token_url"_s, Type::Text, u""_s },
        { u"authorize_url"_s, Type::Text, u""_s },
        { u"scopes"_s, Type::Text, u""_s },
        { u"policy"_s, Type::Policy, QJsonValue() },
    };
    static const QList<Field> role{
        { u"description"_s, Type::Text, u""_s },
        { u"credentials"_s, Type::List, QJsonArray() },
        { u"rate_limit_per_hour"_s, Type::Limit, QJsonValue() },
    };
    static const QList<Field> agent{
        { u"description"_s, Type::Text, u""_s },
        { u"enabled"_s, Type::Bool, true },
        { u"roles"_s, Type::List, QJsonArray() },
        { u"credentials"_s, Type::List, QJsonArray() },
        { u"rate_limit_per_hour"_s, Type::Limit, QJsonValue() },
    };
    static const QList<Field> channel{
        { u"type"_s, Type::Text, QJsonValue() }, // required
        { u"config"_s, Type::Config, QJsonObject() },
    };
    static const QList<Field> link{
        { u"home_team"_s, Type::Text, QJsonValue() }, // required
        { u"agent"_s, Type::Text, QJsonValue() }, // required
        { u"role"_s, Type::Text, u""_s },
    };
    switch (kind) {
    case Kind::Credential:
        return credential;
    case Kind::Role:
        return role;
    case Kind::Agent:
        return agent;
    case Kind::Channel:
        return channel;
    case Kind::Link:
        return link;
    }
    Q_UNREACHABLE();
}

QString secretKey(Kind kind)
{
    return kind == Kind::Credential ? u"value_from"_s
            : kind == Kind::Channel ? u"bot_token_from"_s
                                    : QString();
}

class Reader
{
public:
    explicit Reader(QString baseDir) : m_baseDir(std::move(baseDir)) { }
    bool document(const Node &root, State &out);
    QString error;

private:
    bool fail(const Node &at, const QString &message)
    {
        if (error.isEmpty())
            error = u"line %1: %2"_s.arg(at.line).arg(message);
        return false;
    }
    bool section(Kind kind, const Node &list, State &out);
    bool item(Kind kind, const Node &n, Resource &r);
    bool choices(Kind kind, const Node &n, const QJsonObject &values);
    bool scope(const Node &n, const QJsonObject &values);

    bool value(const Field &f, const Node &n, QJsonValue &out);
    bool text(const Field &f, const Node &n, QString &out);
    bool list(const Field &f, const Node &n, QJsonValue &out);
    bool mapOf(const QList<Field> &fields, const QString &what, const Node &n, QJsonObject &out);
    bool config(const Node &n, QJsonValue &out);
    bool source(const QString &key, const Node &n, ValueSource &out);

    QString m_baseDir;
};

bool Reader::text(const Field &f, const Node &n, QString &out)
{
    if (n.kind != Node::Kind::Scalar)
        return fail(n, u"'%1' must be text"_s.arg(f.key));
    out = n.isNull() ? QString() : n.text;
    return true;
}

bool Reader::list(const Field &f, const Node &n, QJsonValue &out)
{
    QStringList items;
    if (!n.isNull()) {
        if (n.kind != Node::Kind::Seq)
            return fail(n, u"'%1' must be a list such as [a, b]"_s.arg(f.key));
        if (n.seq.size() > kMaxListItems)
            return fail(n, u"'%1' has more than %2 items"_s.arg(f.key).arg(kMaxListItems));
        for (const Node &item : n.seq) {
            if (item.kind != Node::Kind::Scalar || item.isNull())
                return fail(item, u"the items of '%1' must be text"_s.arg(f.key));
            items << (f.type == Type::UpperList           ? item.text.toUpper()
                              : f.type == Type::LowerList ? item.text.toLower()
                                                          : item.text);
        }
    }
    items.sort();
    items.removeDuplicates();
    out = QJsonArray::fromStringList(items);
    return true;
}

bool Reader::value(const Field &f, const Node &n, QJsonValue &out)
{
    switch (f.type) {
    case Type::Text: {
        QString s;
        if (!text(f, n, s))
            return false;
        out = s;
        return true;
    }
    case Type::Bool:
        if (n.kind != Node::Kind::Scalar || !n.plain || (n.text != u"true" && n.text != u"false"))
            return fail(n, u"'%1' must be true or false"_s.arg(f.key));
        out = n.text == u"true";
        return true;
    case Type::Limit: {
        if (n.isNull()) {
            out = QJsonValue();
            return true;
        }
        bool ok = false;
        const int v = n.kind == Node::Kind::Scalar && n.plain ? n.text.toInt(&ok) : 0;
        if (!ok || v <= 0)
            return fail(n,
                        u"'%1' must be a positive whole number, or null for no limit"_s.arg(f.key));
        out = v;
        return true;
    }
    case Type::List:
    case Type::UpperList:
    case Type::LowerList:
        return list(f, n, out);
    case Type::Policy: {
        if (n.isNull()) {
            out = QJsonValue();
            return true;
        }
        QJsonObject policy;
        if (!mapOf(policyFields(), u"policy"_s, n, policy))
            return false;
        out = policy;
        return true;
    }
    case Type::Config:
        return config(n, out);
    }
    Q_UNREACHABLE();
}

bool Reader::config(const Node &n, QJsonValue &out)
{
    QJsonObject c;
    if (!n.isNull()) {
        if (n.kind != Node::Kind::Map)
            return fail(n, u"'config' must be a mapping such as {chat_id: \"-100123\"}"_s);
        for (const auto &[k, v] : n.map) {
            if (k == u"bot_token")
                return fail(v,
                            u"a bot token does not belong in the file: use "
                            "bot_token_from: {env: NAME} or {file: PATH}"_s);
            if (v.kind != Node::Kind::Scalar || v.isNull())
                return fail(v, u"config.%1 must be text"_s.arg(k));
            c.insert(k, v.text);
        }
    }
    out = c;
    return true;
}

bool Reader::mapOf(const QList<Field> &fields, const QString &what, const Node &n, QJsonObject &out)
{
    if (n.kind != Node::Kind::Map)
        return fail(n, u"'%1' must be a mapping of keys to values"_s.arg(what));
    for (const auto &[k, v] : n.map) {
        const bool known = std::any_of(fields.cbegin(), fields.cend(),
                                       [&k](const Field &f) { return f.key == k; });
        if (!known) {
            QStringList keys;
            for (const Field &f : fields)
                keys << f.key;
            return fail(v,
                        u"unknown key '%1' in %2 (known: %3)"_s.arg(k, what, keys.join(u", "_s)));
        }
    }
    for (const Field &f : fields) {
        const Node *v = n.get(f.key);
        QJsonValue parsed = f.def;
        if (v && !value(f, *v, parsed))
            return false;
        out.insert(f.key, parsed);
    }
    return true;
}

bool Reader::source(const QString &key, const Node &n, ValueSource &out)
{
    out.line = n.line;
    if (n.isNull())
        return true;
    static const QRegularExpression envName(u"^[A-Za-z_][A-Za-z0-9_]{0,127}\\z"_s);
    const Node *env = n.get(u"env"_s);
    const Node *file = n.get(u"file"_s);
    if (n.kind != Node::Kind::Map || n.map.size() != 1 || (!env && !file))
        return fail(n, u"'%1' must be {env: NAME} or {file: PATH}"_s.arg(key));
    const Node &v = env ? *env : *file;
    if (v.kind != Node::Kind::Scalar || v.isNull() || v.text.isEmpty())
        return fail(v, u"'%1' needs a name or path"_s.arg(key));
    if (env && !envName.match(v.text).hasMatch())
        return fail(v, u"'%1': \"%2\" is not an environment variable name"_s.arg(key, v.text));
    if (env)
        out.env = v.text;
    else
        out.file = QDir::cleanPath(QDir(m_baseDir).absoluteFilePath(v.text));
    return true;
}

bool Reader::item(Kind kind, const Node &n, Resource &r)
{
    r.kind = kind;
    r.line = n.line;
    if (n.kind != Node::Kind::Map)
        return fail(n, u"each item of '%1' must be a mapping"_s.arg(sectionName(kind)));
    QList<Field> fields = fieldsOf(kind);
    const QString secret = secretKey(kind);
    if (kind != Kind::Link)
        fields.prepend({ u"name"_s, Type::Text, QJsonValue() });
    if (!secret.isEmpty())
        fields.append({ secret, Type::Text, QJsonValue() }); // checked by source()
    Node settings = n;
    settings.map.removeIf(
            [&secret](const auto &e) { return !secret.isEmpty() && e.first == secret; });
    QJsonObject values;
    if (!mapOf(fields, kindName(kind), settings, values))
        return false;
    if (const Node *s = n.get(secret); s && !secret.isEmpty() && !source(secret, *s, r.secret))
        return false;
    values.remove(secret);
    for (const Field &f : fields) {
        const bool required = f.def.isUndefined() || (f.def.isNull() && f.type == Type::Text);
        if (required && f.key != u"description" && f.key != secret
            && values.value(f.key).toString().isEmpty())
            return fail(n, u"%1 without '%2'"_s.arg(kindName(kind), f.key));
    }
    if (kind == Kind::Link)
        r.name = values.value(u"home_team"_s).toString() + u'/'
                + values.value(u"agent"_s).toString();
    else
        r.name = values.take(u"name"_s).toString();
    if (kind == Kind::Credential && values.value(u"description"_s).toString().isEmpty())
        values.insert(u"description"_s, r.name);
    if (kind == Kind::Credential)
        r.name = credentialKey(r.name, values.value(u"scope_kind"_s).toString(),
                               values.value(u"scope_id"_s).toString());
    r.fields = values;
    return choices(kind, n, values);
}

// The closed sets the server would refuse midway: checked before anything is sent.
bool Reader::choices(Kind kind, const Node &n, const QJsonObject &values)
{
    auto oneOf = [&](const QString &key, const QStringList &allowed) {
        const QString v = values.value(key).toString();
        if (allowed.contains(v))
            return true;
        const Node *at = n.get(key);
        return fail(at ? *at : n,
                    u"'%1' must be one of %2, not \"%3\""_s.arg(key, allowed.join(u", "_s), v));
    };
    if (kind == Kind::Credential)
        return oneOf(u"connector"_s, { u"direct"_s, u"sidecar"_s })
                && oneOf(u"scope_kind"_s, { u"team"_s, u"role"_s, u"agent"_s }) && scope(n, values)
                && oneOf(u"kind"_s, { u"static"_s, u"oauth1"_s, u"aws_sigv4"_s, u"oauth2"_s });
    if (kind != Kind::Channel)
        return true;
    if (!oneOf(u"type"_s, { u"telegram"_s, u"matrix"_s, u"desktop"_s }))
        return false;
    const QString type = values.value(u"type"_s).toString();
    const QStringList keys = type == u"telegram" ? QStringList{ u"chat_id"_s }
            : type == u"matrix"                  ? QStringList{ u"room_id"_s }
                                                 : QStringList{};
    const Node *config = n.get(u"config"_s);
    for (const QString &k : values.value(u"config"_s).toObject().keys()) {
        if (!keys.contains(k))
            return fail(config ? *config : n,
                        u"unknown key '%1' in the config of a %2 channel (known: %3)"_s.arg(
                                k, type, keys.isEmpty() ? u"none"_s : keys.join(u", "_s)));
    }
    return true;
}

// scope_id names the role or agent of a role or agent row, and nothing for the team row.
bool Reader::scope(const Node &n, const QJsonObject &values)
{
    const bool team = values.value(u"scope_kind"_s).toString() == u"team";
    const bool hasId = !values.value(u"scope_id"_s).toString().isEmpty();
    if (team == !hasId)
        return true;
    const Node *at = n.get(u"scope_id"_s);
    return fail(at ? *at : n,
                team ? u"'scope_id' goes with scope_kind role or agent"_s
                     : u"a credential with scope_kind %1 needs 'scope_id'"_s.arg(
                             values.value(u"scope_kind"_s).toString()));
}

bool Reader::section(Kind kind, const Node &list, State &out)
{
    if (list.isNull())
        return true;
    if (list.kind != Node::Kind::Seq)
        return fail(list,
                    u"'%1' must be a list of items (\"- name: ...\")"_s.arg(sectionName(kind)));
    QHash<QString, int> policies; // credential name -> line of the row with its policy
    for (const Node &n : list.seq) {
        Resource r;
        if (!item(kind, n, r))
            return false;
        if (const Resource *other = out.find(kind, r.name))
            return fail(n,
                        u"%1 %2 is listed twice (also on line %3)"_s.arg(kindName(kind), r.name)
                                .arg(other->line));
        if (kind == Kind::Credential && r.fields.value(u"policy"_s).isObject()) {
            const QString name = credentialName(r.name);
            if (policies.contains(name))
                return fail(n,
                            u"credential %1 has a policy on two rows (also on line %2); a "
                            "policy covers every scope of a name: set it on one row"_s.arg(name)
                                    .arg(policies.value(name)));
            policies.insert(name, r.line);
        }
        out.items << r;
    }
    return true;
}

bool Reader::document(const Node &root, State &out)
{
    if (root.kind != Node::Kind::Map)
        return fail(root,
                    u"the file must be a mapping with 'version: 1' and sections such as "
                    "'credentials:'"_s);
    QStringList known{ u"version"_s };
    for (Kind k : allKinds())
        known << sectionName(k);
    for (const auto &[k, v] : root.map) {
        if (!known.contains(k))
            return fail(v, u"unknown key '%1' (known: %2)"_s.arg(k, known.join(u", "_s)));
    }
    const Node *version = root.get(u"version"_s);
    if (!version || version->kind != Node::Kind::Scalar || version->text != u"1")
        return fail(version ? *version : root, u"'version: 1' is required"_s);
    for (Kind k : allKinds()) {
        if (const Node *list = root.get(sectionName(k)); list && !section(k, *list, out))
            return false;
    }
    out.sort();
    return true;
}

Node fieldNode(const Field &f, const QJsonValue &v);

// A credential's kind and its settings (README "Signing credentials"): left out of a written
// file while they are the default (static, no settings), so files of static credentials stay
// as they were.
bool isKindField(const QString &key)
{
    static const QStringList keys{ u"kind"_s,      u"region"_s,        u"service"_s,
                                   u"token_url"_s, u"authorize_url"_s, u"scopes"_s };
    return keys.contains(key);
}

Node mapNode(const QList<Field> &fields, const QJsonObject &o, bool flow)
{
    Node m = Node::mapping(flow);
    for (const Field &f : fields)
        m.add(f.key, fieldNode(f, o.value(f.key)));
    return m;
}

Node fieldNode(const Field &f, const QJsonValue &v)
{
    switch (f.type) {
    case Type::Text:
        return Node::string(v.toString());
    case Type::Bool:
        return Node::typed(v.toBool() ? u"true"_s : u"false"_s);
    case Type::Limit:
        return Node::typed(v.isDouble() ? QString::number(v.toInt()) : u"null"_s);
    case Type::List:
    case Type::UpperList:
    case Type::LowerList: {
        QStringList items;
        for (const QJsonValue &e : v.toArray())
            items << e.toString();
        return Node::list(items);
    }
    case Type::Policy:
        return mapNode(policyFields(), v.toObject(), false);
    case Type::Config: {
        Node m = Node::mapping(true);
        const QJsonObject c = v.toObject();
        for (auto it = c.begin(); it != c.end(); ++it)
            m.add(it.key(), Node::string(it.value().toString()));
        return m;
    }
    }
    Q_UNREACHABLE();
}

} // namespace

std::optional<State> fromYaml(const Node &root, const QString &baseDir, QString *error)
{
    Reader reader(baseDir);
    State state;
    if (reader.document(root, state))
        return state;
    *error = reader.error;
    return std::nullopt;
}

Node toYaml(const State &state)
{
    Node root = Node::mapping();
    root.add(u"version"_s, Node::typed(u"1"_s));
    for (Kind kind : allKinds()) {
        Node list;
        list.kind = Node::Kind::Seq;
        for (const Resource &r : state.items) {
            if (r.kind != kind)
                continue;
            Node item = Node::mapping();
            if (kind != Kind::Link)
                item.add(u"name"_s,
                         Node::string(kind == Kind::Credential ? credentialName(r.name) : r.name));
            const bool teamRow = r.fields.value(u"scope_kind"_s).toString(u"team"_s) == u"team";
            for (const Field &f : fieldsOf(kind)) {
                if (f.type == Type::Policy && r.fields.value(f.key).isNull())
                    continue;
                if (teamRow && (f.key == u"scope_kind" || f.key == u"scope_id"))
                    continue;
                if (kind == Kind::Credential && isKindField(f.key)
                    && r.fields.value(f.key).toString() == f.def.toString())
                    continue;
                item.add(f.key, fieldNode(f, r.fields.value(f.key)));
            }
            if (r.hasSecret) {
                Node from = Node::mapping(true);
                from.add(u"env"_s, Node::string(placeholderEnv(kind, r.name)));
                item.add(secretKey(kind), from);
            }
            list.seq << item;
        }
        root.add(sectionName(kind), list);
    }
    return root;
}

} // namespace tap::cli::config
