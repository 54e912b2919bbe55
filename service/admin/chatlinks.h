#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "api/member.h"
#include "core/result.h"
#include "store/chatstore.h"

namespace tap::admin {

// Linking a member's Telegram or Matrix account, so that a policy's allowed_approvers may name
// the member (by email) and a decision taken in chat counts as theirs:
//   1. POST /admin/members/<id>/chat-link (the member themselves, or an owner or admin) answers
//      a one-time code, valid for kCodeLifetimeMs; only its keyed hash is stored, and a new
//      code replaces the member's earlier one.
//   2. The member sends "/start <code>" to the Telegram bot, or the code to the Matrix bot in a
//      direct message; the bot calls redeem() with the sender's id and replies with its answer.
// A code works once; a wrong, used or expired one changes nothing. One chat account belongs to
// one member at most: linking it again moves it.
class ChatLinkService
{
public:
    static constexpr qint64 kCodeLifetimeMs = 10LL * 60 * 1000;
    static constexpr int kCodeLength = 16; // of 32 symbols: 80 bits

    explicit ChatLinkService(Context &context) : m_ctx(context) { }

    core::Result<api::ChatLinkCode> create(const Actor &actor, const QString &userId);
    // The answer for the sender of `code` (any text; its shape is checked here).
    QString redeem(store::ChatStore::Network network, const QString &code, const QString &senderId);
    // Whether `text` has the shape of a link code (case-insensitive).
    static bool isCodeShaped(const QString &text);

private:
    Context &m_ctx;
};

} // namespace tap::admin
