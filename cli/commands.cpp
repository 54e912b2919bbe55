#include "commands.h"

namespace tap::cli {

using namespace Qt::StringLiterals;

QList<Command> allCommands()
{
    QList<Command> all;
    for (const auto &group :
         { sessionCommands(), initCommands(), statusCommands(), testCommands(),
           credentialCommands(), agentCommands(), roleCommands(), policyCommands(),
           channelCommands(), linkCommands(), memberCommands(), approvalCommands() })
        all += group;
    all += configCommands(); // export, apply
    return all;
}

QList<Alias> allAliases()
{
    return { { u"add"_s, u"credential"_s, u"create"_s } };
}

} // namespace tap::cli
