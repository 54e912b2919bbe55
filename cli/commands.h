// The commands of `tap`, one function per noun (each in cmd_<noun>.cpp, which also holds that
// noun's JSON shapes so they can move to common/api's typed structs in one place).
#pragma once

#include "args.h"

namespace tap::cli {

QList<Command> sessionCommands(); // login, logout, whoami
QList<Command> credentialCommands();
QList<Command> agentCommands();
QList<Command> roleCommands();
QList<Command> policyCommands();
QList<Command> channelCommands();
QList<Command> linkCommands();
QList<Command> memberCommands();
QList<Command> approvalCommands();
Command approvalWatchCommand(); // cmd_approval_watch.cpp, part of approvalCommands()
QList<Command> statusCommands(); // status, logs
QList<Command> initCommands(); // init
QList<Command> testCommands(); // test
QList<Command> configCommands(); // export, apply

QList<Command> allCommands();
QList<Alias> allAliases();

} // namespace tap::cli
