#include "policy/policyevaluator.h"

namespace tap::policy {

namespace {

bool listsMethod(const QStringList &methods, QStringView method)
{
    for (const QString &entry : methods) {
        if (QStringView(entry).trimmed().compare(method, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// HEAD follows GET: a HEAD request is covered by a GET entry (it reads the same resource without
// the body) as well as by an explicit HEAD entry.
bool coversMethod(const QStringList &methods, QStringView method)
{
    if (listsMethod(methods, method))
        return true;
    return method.compare(u"HEAD", Qt::CaseInsensitive) == 0 && listsMethod(methods, u"GET");
}

bool matchesAutoApproveUrl(const QStringList &urls, QStringView policyUrl)
{
    if (policyUrl.isEmpty())
        return false;
    for (const QString &entry : urls) {
        // An empty entry would match every URL; treat it as a typo rather than "approve all".
        if (!entry.isEmpty() && policyUrl.contains(entry))
            return true;
    }
    return false;
}

} // namespace

Decision evaluate(const std::optional<Rules> &rules, QStringView method, QStringView policyUrl)
{
    // A credential without a policy: every request needs approval (fail closed).
    if (!rules)
        return { Verdict::RequireApproval, QStringLiteral("no_policy") };
    const QStringView verb = method.trimmed();
    // auto_approve_urls: URL substrings that skip approval whatever the method; see
    // README "One URL: what the policy sees is what is sent".
    if (matchesAutoApproveUrl(rules->autoApproveUrls, policyUrl))
        return { Verdict::AutoApprove, QStringLiteral("auto_approve_url") };
    if (!verb.isEmpty() && coversMethod(rules->autoApproveMethods, verb))
        return { Verdict::AutoApprove, QStringLiteral("auto_approve_method") };
    if (!verb.isEmpty() && coversMethod(rules->requireApprovalMethods, verb))
        return { Verdict::RequireApproval, QStringLiteral("require_approval_method") };
    return { Verdict::RequireApproval, QStringLiteral("not_auto_approved") };
}

} // namespace tap::policy
