#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace tap::policy {

// A credential's approval policy (wire type: api/policy.h). Methods are compared
// case-insensitively; URL entries are plain substrings of the request's policy view of its
// target: the normalised scheme://host[:port]/path that is also what gets sent, never the query
// (proxy::Target::policyView). An empty view (a path with parameters) matches no URL entry.
struct Rules
{
    QStringList autoApproveMethods;
    QStringList requireApprovalMethods;
    QStringList autoApproveUrls;
};

enum class Verdict { AutoApprove, RequireApproval };

// `reason` is a stable snake_case token for the audit log: no_policy, auto_approve_url,
// auto_approve_method, require_approval_method or not_auto_approved.
struct Decision
{
    Verdict verdict;
    QString reason;
};

// Decides whether a request may skip human approval. Order (first match wins):
//   1. no policy                                  → RequireApproval "no_policy"
//   2. a non-empty autoApproveUrls entry is a substring of a non-empty policyUrl
//                                                 → AutoApprove "auto_approve_url" (any method)
//   3. method in autoApproveMethods               → AutoApprove "auto_approve_method"
//   4. method in requireApprovalMethods           → RequireApproval "require_approval_method"
//   5. otherwise                                  → RequireApproval "not_auto_approved"
// HEAD follows GET in steps 3 and 4 (see coversMethod()). Anything not explicitly
// auto-approved needs approval: the evaluator fails closed.
Decision evaluate(const std::optional<Rules> &rules, QStringView method, QStringView policyUrl);

} // namespace tap::policy
