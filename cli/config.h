// Configuration as code (`tap export`, `tap apply`): a team's configuration as comparable
// resources, read from YAML (config_yaml.cpp) or from the admin API (config_server.cpp),
// compared into a plan (config_plan.cpp) and applied (cmd_config.cpp). Secret values are never
// part of a resource: a credential's value and a Telegram channel's bot token are referenced
// by a ValueSource (`value_from: {env: NAME}` or `{file: PATH}`) and read only when a change
// needs them.
#pragma once

#include "yamldoc.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace tap::cli {
class Context;
}

namespace tap::cli::config {

// In the order changes are applied (deletions run in the reverse order).
enum class Kind { Channel, Credential, Role, Agent, Link };
QString kindName(Kind kind);
QString sectionName(Kind kind); // the YAML key: "credentials"
const QList<Kind> &allKinds();

struct ValueSource
{
    QString env;
    QString file; // absolute, or relative to the YAML file
    int line = 0;
    bool isSet() const { return !env.isEmpty() || !file.isEmpty(); }
    QString describe() const; // "env TAP_CRED_GITHUB", "file ./github.token"
};

struct Resource
{
    Kind kind = Kind::Credential;
    QString name; // a link's: HOME_TEAM/AGENT
    QJsonObject fields; // the managed settings, normalized (sorted lists, "" for none)
    ValueSource secret; // file: where the value comes from; server: unused
    bool hasSecret = false; // server: the credential has a value / the channel a bot token
    int line = 0; // file: where the item starts
};

struct State
{
    QList<Resource> items; // sorted by kind, then name
    const Resource *find(Kind kind, const QString &name) const;
    void sort();
};

// The file → resources. Unknown keys, wrong types, duplicate names: an error "line N: …".
// `baseDir` resolves relative value_from files.
std::optional<State> fromYaml(const yaml::Node &root, const QString &baseDir, QString *error);
// Resources → the document `tap export` prints (secret references as value_from placeholders).
yaml::Node toYaml(const State &state);

// The team's configuration as the admin API shows it; nullopt after ctx.fail() was printed.
struct ServerState
{
    QString teamId;
    QString teamName;
    State state;
};
std::optional<ServerState> fetch(Context &ctx);

// A credential row's resource name: its name for the team row, "NAME (KIND ID)" for a row of a
// role or an agent (README "Credential scopes"); credentialName() takes the name back.
QString credentialKey(const QString &name, const QString &scopeKind, const QString &scopeId);
QString credentialName(const QString &key);

// The placeholder exported for a secret: TAP_CRED_<NAME> / TAP_CHANNEL_<NAME>_BOT_TOKEN.
QString placeholderEnv(Kind kind, const QString &name);

} // namespace tap::cli::config
