#pragma once

#include <QLatin1String>

// The key names of the admin API's JSON objects, in one place (like qBittorrent's KEY_*
// constants): the service, the console and the fake admin API spell every key through these.
// constexpr, so they can be used in other constants without an initialisation-order problem.
namespace tap::api::key {

// Shared by several resources.
inline constexpr QLatin1String kName{ "name" };
inline constexpr QLatin1String kId{ "id" };
inline constexpr QLatin1String kDescription{ "description" };
inline constexpr QLatin1String kCredentials{ "credentials" };
inline constexpr QLatin1String kRoles{ "roles" };
inline constexpr QLatin1String kRole{ "role" };
inline constexpr QLatin1String kAgents{ "agents" };
inline constexpr QLatin1String kRateLimitPerHour{ "rate_limit_per_hour" };
inline constexpr QLatin1String kCreatedAt{ "created_at" };
inline constexpr QLatin1String kUpdatedAt{ "updated_at" };
inline constexpr QLatin1String kStatus{ "status" };
inline constexpr QLatin1String kMessage{ "message" };
inline constexpr QLatin1String kEnabled{ "enabled" };
inline constexpr QLatin1String kEmail{ "email" };
inline constexpr QLatin1String kTeamId{ "team_id" };

// Accounts and sessions.
inline constexpr QLatin1String kTeamName{ "team_name" };
inline constexpr QLatin1String kPassword{ "password" };
inline constexpr QLatin1String kInviteToken{ "invite_token" };
inline constexpr QLatin1String kCode{ "code" };
inline constexpr QLatin1String kAdminId{ "admin_id" };
inline constexpr QLatin1String kSessionToken{ "session_token" };

// Credentials.
inline constexpr QLatin1String kConnector{ "connector" };
inline constexpr QLatin1String kApiBase{ "api_base" };
inline constexpr QLatin1String kRelativeTarget{ "relative_target" };
inline constexpr QLatin1String kAuthHeaderFormat{ "auth_header_format" };
inline constexpr QLatin1String kValue{ "value" };
inline constexpr QLatin1String kScopeKind{ "scope_kind" };
inline constexpr QLatin1String kScopeId{ "scope_id" };
inline constexpr QLatin1String kDeletedCredentials{ "deleted_credentials" };
inline constexpr QLatin1String kAllowedHosts{ "allowed_hosts" };
inline constexpr QLatin1String kBodyPlaceholderFields{ "body_placeholder_fields" };
inline constexpr QLatin1String kHasValue{ "has_value" };
inline constexpr QLatin1String kUsedBy{ "used_by" };
inline constexpr QLatin1String kHasPolicy{ "has_policy" };
inline constexpr QLatin1String kRemovedFrom{ "removed_from" };
inline constexpr QLatin1String kPolicy{ "policy" };
inline constexpr QLatin1String kRegion{ "region" };
inline constexpr QLatin1String kSigningService{ "service" };
inline constexpr QLatin1String kPartsSet{ "parts_set" };
inline constexpr QLatin1String kTokenUrl{ "token_url" };
inline constexpr QLatin1String kAuthorizeUrl{ "authorize_url" };
inline constexpr QLatin1String kScopes{ "scopes" };
inline constexpr QLatin1String kOAuthState{ "oauth_state" };

// Policies.
inline constexpr QLatin1String kCredential{ "credential" };
inline constexpr QLatin1String kConfigured{ "configured" };
inline constexpr QLatin1String kAutoApproveMethods{ "auto_approve_methods" };
inline constexpr QLatin1String kRequireApprovalMethods{ "require_approval_methods" };
inline constexpr QLatin1String kAutoApproveUrls{ "auto_approve_urls" };
inline constexpr QLatin1String kAllowedApprovers{ "allowed_approvers" };
inline constexpr QLatin1String kTelegramChatId{ "telegram_chat_id" };
inline constexpr QLatin1String kMatrixRoomId{ "matrix_room_id" };
inline constexpr QLatin1String kApprovalChannel{ "approval_channel" };
inline constexpr QLatin1String kRequirePasskey{ "require_passkey" };

// Agents, roles and agent links.
inline constexpr QLatin1String kEffectiveCredentials{ "effective_credentials" };
inline constexpr QLatin1String kEffectiveScopes{ "effective_scopes" };
inline constexpr QLatin1String kApiKey{ "api_key" };
inline constexpr QLatin1String kLinks{ "links" };
inline constexpr QLatin1String kAgentHomeTeamId{ "agent_home_team_id" };
inline constexpr QLatin1String kAgentId{ "agent_id" };
inline constexpr QLatin1String kCreatedBy{ "created_by" };
inline constexpr QLatin1String kWarning{ "warning" };

// Notification channels.
inline constexpr QLatin1String kChannels{ "channels" };
inline constexpr QLatin1String kChannelType{ "channel_type" };
inline constexpr QLatin1String kConfig{ "config" };
inline constexpr QLatin1String kChatId{ "chat_id" };
inline constexpr QLatin1String kRoomId{ "room_id" };
inline constexpr QLatin1String kBotToken{ "bot_token" };
inline constexpr QLatin1String kHasBotToken{ "has_bot_token" };

// Team and members.
inline constexpr QLatin1String kMembers{ "members" };
inline constexpr QLatin1String kPendingInvites{ "pending_invites" };
inline constexpr QLatin1String kYourRole{ "your_role" };
inline constexpr QLatin1String kEmailVerified{ "email_verified" };
inline constexpr QLatin1String kJoinedAt{ "joined_at" };
inline constexpr QLatin1String kExpiresAt{ "expires_at" };
inline constexpr QLatin1String kInviteId{ "invite_id" };
inline constexpr QLatin1String kTelegram{ "telegram" }; // a chat-link code's /start command

// Passkeys and re-authentication (passkey.h).
inline constexpr QLatin1String kChallengeId{ "challenge_id" };
inline constexpr QLatin1String kChallenge{ "challenge" };
inline constexpr QLatin1String kRp{ "rp" };
inline constexpr QLatin1String kRpId{ "rp_id" };
inline constexpr QLatin1String kOrigin{ "origin" };
inline constexpr QLatin1String kUser{ "user" };
inline constexpr QLatin1String kDisplayName{ "display_name" };
inline constexpr QLatin1String kPubKeyCredParams{ "pub_key_cred_params" };
inline constexpr QLatin1String kTimeoutMs{ "timeout_ms" };
inline constexpr QLatin1String kAttestation{ "attestation" };
inline constexpr QLatin1String kUserVerification{ "user_verification" };
inline constexpr QLatin1String kExcludeCredentials{ "exclude_credentials" };
inline constexpr QLatin1String kAllowCredentials{ "allow_credentials" };
inline constexpr QLatin1String kAlgorithm{ "algorithm" };
inline constexpr QLatin1String kLastUsedAt{ "last_used_at" };
inline constexpr QLatin1String kReauth{ "reauth" };
inline constexpr QLatin1String kWith{ "with" };
inline constexpr QLatin1String kFreshUntil{ "fresh_until" };
inline constexpr QLatin1String kClientDataJson{ "client_data_json" };
inline constexpr QLatin1String kAttestationObject{ "attestation_object" };
inline constexpr QLatin1String kCredentialId{ "credential_id" };
inline constexpr QLatin1String kAuthenticatorData{ "authenticator_data" };
inline constexpr QLatin1String kSignature{ "signature" };
inline constexpr QLatin1String kUserHandle{ "user_handle" };

// Approvals.
inline constexpr QLatin1String kItems{ "items" };
inline constexpr QLatin1String kCursor{ "cursor" };
inline constexpr QLatin1String kAgentName{ "agent_name" };
inline constexpr QLatin1String kMethod{ "method" };
inline constexpr QLatin1String kTarget{ "target" };
inline constexpr QLatin1String kBodyPreview{ "body_preview" };
inline constexpr QLatin1String kCanDecide{ "can_decide" };
inline constexpr QLatin1String kDecidedBy{ "decided_by" };
inline constexpr QLatin1String kDecidedVia{ "decided_via" };
inline constexpr QLatin1String kDecidedAt{ "decided_at" };
inline constexpr QLatin1String kApprovalUrl{ "approval_url" };
inline constexpr QLatin1String kTxnId{ "txn_id" };
inline constexpr QLatin1String kResponseStatus{ "response_status" };
inline constexpr QLatin1String kCancelReason{ "cancel_reason" };
inline constexpr QLatin1String kDecisionReason{ "decision_reason" };
inline constexpr QLatin1String kHostIsNew{ "host_is_new" };
inline constexpr QLatin1String kDeciders{ "deciders" };
inline constexpr QLatin1String kReason{ "reason" };
inline constexpr QLatin1String kWait{ "wait" }; // query parameter
inline constexpr QLatin1String kAll{ "all" }; // ?status=all

// The audit trail (GET /admin/audit's filters and page).
inline constexpr QLatin1String kKind{ "kind" };
inline constexpr QLatin1String kAction{ "action" };
inline constexpr QLatin1String kActor{ "actor" };
inline constexpr QLatin1String kDecision{ "decision" };
inline constexpr QLatin1String kSince{ "since" };
inline constexpr QLatin1String kUntil{ "until" };
inline constexpr QLatin1String kLimit{ "limit" };
inline constexpr QLatin1String kNextCursor{ "next_cursor" };

// GET /admin/server (server.h)
inline constexpr QLatin1String kVersion{ "version" };
inline constexpr QLatin1String kDatabase{ "database" };
inline constexpr QLatin1String kSchemaVersion{ "schema_version" };
inline constexpr QLatin1String kMasterKeyFingerprint{ "master_key_fingerprint" };

} // namespace tap::api::key
