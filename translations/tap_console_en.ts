<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ApiClient</name>
    <message>
        <location filename="../common/apiclient/apiclient.cpp" line="181"/>
        <source>The request was cancelled or timed out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../common/apiclient/apiclient.cpp" line="182"/>
        <source>The server could not be reached: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ApiClient::Reply</name>
    <message>
        <location filename="../common/apiclient/apiclient.cpp" line="18"/>
        <source>The server could not be reached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../common/apiclient/apiclient.cpp" line="19"/>
        <source>The server answered with HTTP status %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <location filename="../console/app/environment.cpp" line="28"/>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::AgentsPage</name>
    <message>
        <location filename="../console/pages/agentspage.h" line="16"/>
        <source>Agents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="36"/>
        <source>&quot;%1&quot; is not a valid name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="62"/>
        <source>The team has no credential &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="65"/>
        <source>The team has no role &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="70"/>
        <source>ID: 1–64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="86"/>
        <source>&amp;New…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="88"/>
        <source>Edi&amp;t…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="90"/>
        <source>Enable / d&amp;isable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="92"/>
        <source>Rotate &amp;key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="94"/>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="100"/>
        <source>ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="101"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="102"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="105"/>
        <source>Requests per hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="106"/>
        <source>Credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="109"/>
        <source>Roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="159"/>
        <location filename="../console/pages/agentspage.cpp" line="163"/>
        <source>type a name, Enter adds it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="103"/>
        <source>enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="103"/>
        <source>disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="105"/>
        <location filename="../console/pages/agentspage.cpp" line="173"/>
        <source>unlimited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="143"/>
        <source>%1 can use no credential.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="144"/>
        <source>%1 can use: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="155"/>
        <source>New agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="155"/>
        <source>Edit agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="156"/>
        <source>&amp;ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="157"/>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="158"/>
        <source>&amp;Credentials:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="162"/>
        <source>&amp;Roles:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="167"/>
        <source>As an approver you assign credentials directly; roles are given by owners and admins.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="172"/>
        <source>Requests per &amp;hour:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="198"/>
        <source>API key of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="199"/>
        <source>Give this key to the agent (header X-TAP-Key). It will not be shown again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="214"/>
        <source>%1 is enabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="215"/>
        <source>%1 is disabled: all its requests are refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="224"/>
        <source>Rotate API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="225"/>
        <source>Give %1 a new API key? The old key stops working at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="235"/>
        <source>Delete agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="236"/>
        <source>Delete the agent %1? Its API key stops working at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="239"/>
        <source>Deleted %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::ApprovalCard</name>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="53"/>
        <source>Agent:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="54"/>
        <source>Credential:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="55"/>
        <source>Request:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="56"/>
        <source>Why it waits:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="57"/>
        <source>Time left:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="58"/>
        <source>May decide:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="59"/>
        <source>Outcome:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="66"/>
        <source>(no body)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="72"/>
        <source>Reason for denying (optional, the agent is told) — Enter denies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="116"/>
        <source>expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="122"/>
        <source>%1:%2:%3 left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="125"/>
        <source>%1:%2 left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="163"/>
        <source>Request %1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="166"/>
        <source>%1 (team %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="167"/>
        <source>%1 (%2, team %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="207"/>
        <source>A human approves the first use of a host with a credential.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="209"/>
        <source>The credential&apos;s policy asks a human to approve %1 requests.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="211"/>
        <source>This credential needs a passkey: approve in the browser (deny here or there).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="213"/>
        <source>You are not an allowed approver for this credential.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="220"/>
        <source>any member of the team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="223"/>
        <source>%1 (you)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="233"/>
        <source>%1 by %2 via %3 at %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="237"/>
        <source> — reason: “%1”</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::ApprovalsModel</name>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="21"/>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="23"/>
        <source>Approved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="25"/>
        <source>Forwarded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="27"/>
        <source>Denied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="29"/>
        <source>Expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="31"/>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="43"/>
        <source>Needs a passkey: decided in the browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="58"/>
        <source> (passkey)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="85"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="87"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="89"/>
        <source>Credential</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="91"/>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="93"/>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="95"/>
        <source>Requested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="97"/>
        <source>Expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="99"/>
        <source>Decided by</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::AuditPage</name>
    <message>
        <location filename="../console/pages/auditpage.h" line="19"/>
        <source>Audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="35"/>
        <source>Allowed by the policy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="36"/>
        <source>The URL is auto-approved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="37"/>
        <source>The method is auto-approved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="38"/>
        <source>The method needs approval.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="39"/>
        <source>Not auto-approved by the policy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="40"/>
        <source>No policy: every request needs approval.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="41"/>
        <source>The policy asks for a passkey.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="42"/>
        <source>A host new for this credential.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="44"/>
        <source>The agent may not use this credential.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="45"/>
        <source>Approved by a member.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="47"/>
        <source>The upstream broke off the answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="48"/>
        <source>The agent was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="49"/>
        <source>The agent was disabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="59"/>
        <source>&amp;Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="61"/>
        <source>Load &amp;more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="64"/>
        <source>E&amp;xport…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="78"/>
        <source>All kinds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="79"/>
        <source>Admin changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="80"/>
        <source>Agent requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="83"/>
        <source>All decisions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="86"/>
        <source>action, e.g. credential.create</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="87"/>
        <source>member email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="88"/>
        <source>agent ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="89"/>
        <source>credential</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="90"/>
        <source>since, e.g. 2026-04-03T12:00:00Z</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="91"/>
        <source>until (RFC 3339)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="105"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="105"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="106"/>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="111"/>
        <source>Action / request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="118"/>
        <source>Credential</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="119"/>
        <source>Decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="120"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="121"/>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="143"/>
        <source>&quot;%1&quot; is not an RFC 3339 time such as 2026-04-03T12:00:00Z.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../console/pages/auditpage.cpp" line="187"/>
        <source>%n record(s) shown.</source>
        <translation>
            <numerusform>%n record shown.</numerusform>
            <numerusform>%n records shown.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="197"/>
        <source>Export audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="204"/>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="213"/>
        <source>Could not write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../console/pages/auditpage.cpp" line="215"/>
        <source>Exported %n record(s) to %1.</source>
        <translation>
            <numerusform>Exported %n record to %1.</numerusform>
            <numerusform>Exported %n records to %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tap::console::ChannelsPage</name>
    <message>
        <location filename="../console/pages/channelspage.h" line="13"/>
        <source>Notification channels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="43"/>
        <source>Name: 1–64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="46"/>
        <source>The chat must be a Telegram chat id such as -100123456.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="48"/>
        <source>The bot token is one word of at most 256 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="50"/>
        <source>The room must be a Matrix room id such as !abc:example.org.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="70"/>
        <source>&amp;New…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="72"/>
        <source>Send &amp;test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="74"/>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="77"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="78"/>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="82"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="83"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="88"/>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="60"/>
        <source> (bot token set)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="85"/>
        <source>enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="86"/>
        <source>disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="98"/>
        <source>New notification channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="99"/>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="100"/>
        <source>&amp;Type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="102"/>
        <source>Telegram &amp;chat:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="104"/>
        <source>&amp;Bot token (optional):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="105"/>
        <source>Matrix &amp;room:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="133"/>
        <source>Sending a test message to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="135"/>
        <source>A test message was sent to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="143"/>
        <source>Delete channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="144"/>
        <source>Delete the notification channel %1? Policies that send approvals there fall back to the default channels.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="149"/>
        <source>Deleted %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::CredentialsPage</name>
    <message>
        <location filename="../console/pages/credentialspage.h" line="23"/>
        <source>Credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="74"/>
        <source>Name: 1–64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="79"/>
        <source>Choose the role this credential belongs to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="80"/>
        <source>Choose the agent this credential belongs to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="82"/>
        <source>Enter a description.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="84"/>
        <source>The API base must be an http:// or https:// URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="86"/>
        <source>A sidecar connector needs an API base.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="88"/>
        <source>Relative targets need the sidecar connector.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="90"/>
        <source>The header format must contain {value} exactly once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="102"/>
        <source>&amp;New…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="104"/>
        <source>Edi&amp;t…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="106"/>
        <source>&amp;Rotate value…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="108"/>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="119"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="120"/>
        <source>Scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="123"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="124"/>
        <source>Connector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="127"/>
        <source>API base</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="128"/>
        <source>Allowed hosts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="131"/>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="132"/>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="151"/>
        <source>set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="150"/>
        <source>parts: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="151"/>
        <source>not set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="110"/>
        <source>&amp;Connect…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="144"/>
        <source>Reconnect required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="146"/>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="158"/>
        <source>role:%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="160"/>
        <source>agent:%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="164"/>
        <source>team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="175"/>
        <source>&amp;Scope:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="176"/>
        <source>Team (every agent granted it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="177"/>
        <source>Role (its agents)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="178"/>
        <source>Agent (this agent only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="180"/>
        <source>&amp;Role or agent:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="220"/>
        <source>New credential</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="220"/>
        <source>Edit credential</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="221"/>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="223"/>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="224"/>
        <source>&amp;Connector:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="226"/>
        <source>&amp;API base:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="228"/>
        <source>Targets are &amp;paths under the API base</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="230"/>
        <source>Header &amp;format:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="231"/>
        <source>Allowed &amp;hosts:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="232"/>
        <source>default: the API base&apos;s host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="234"/>
        <source>Secret &amp;value:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="261"/>
        <source>Rotate value of %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="262"/>
        <source>The new value replaces the old one at once. It is never shown again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="263"/>
        <source>New &amp;value:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="264"/>
        <source>&amp;Repeat:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="267"/>
        <source>Enter the new value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="274"/>
        <source>The two values differ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="286"/>
        <source>The value of %1 was replaced.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="302"/>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="310"/>
        <source>the roles %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="312"/>
        <source>the agents %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="314"/>
        <location filename="../console/pages/credentialspage.cpp" line="335"/>
        <source>its policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="316"/>
        <source>Delete the credential %1? No role, agent or policy uses it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="318"/>
        <source>Delete the credential %1? It is also removed from %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="319"/>
        <location filename="../console/pages/credentialspage.cpp" line="338"/>
        <source>; </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="320"/>
        <source>Delete credential</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="329"/>
        <source>roles: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="332"/>
        <source>agents: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="336"/>
        <source>Deleted %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="337"/>
        <source>Deleted %1 and removed it from %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="356"/>
        <source>Only an oauth2 credential can be connected; %1 is %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="360"/>
        <source>Connect %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="361"/>
        <source>Your browser opens the provider&apos;s consent page. After you allow access, the refresh token is stored on the row of the scope chosen here; an agent&apos;s or role&apos;s row is created from the team row if it does not exist yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="391"/>
        <source>Could not open the browser. Open this address to connect: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="399"/>
        <source>Allow access in the browser to connect %1 (%2)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="412"/>
        <source>%1 (%2) was not connected: the browser step did not finish in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="430"/>
        <source>%1 (%2) is connected.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::DesktopNotifier</name>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="84"/>
        <source>%1 wants to use %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="90"/>
        <source>Needs a passkey: open it to approve.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="102"/>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="104"/>
        <source>Open to approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="106"/>
        <source>Approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="107"/>
        <source>Deny</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="113"/>
        <source>TAP Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="114"/>
        <source>Approval requested</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::ErrorText</name>
    <message>
        <location filename="../console/app/errortext.cpp" line="10"/>
        <source>The server could not be reached. Check the server URL and your connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="13"/>
        <source>The server did not accept the entries. Check the fields and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="15"/>
        <source>You are not signed in (any more). Log in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="16"/>
        <source>Your role in this team does not allow this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="18"/>
        <source>This item does not exist (any more). Refresh the page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="20"/>
        <source>This clashes with an existing item (for example the same name). Choose another name or refresh the page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="23"/>
        <source>Too many attempts. Wait a little and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="24"/>
        <source>The entries are too large.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="26"/>
        <source>The server took too long to answer. Try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="27"/>
        <source>Log in again to confirm this change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="29"/>
        <source>This needs your passkey: open the request in the browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="30"/>
        <source>The request has expired.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="32"/>
        <source>The other service did not accept the request. Check its settings and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="35"/>
        <source>The other service did not answer in time. Try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="37"/>
        <source>The server is busy or being maintained. Try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="39"/>
        <source>The server ran into an internal error. Try again; if it persists, tell the server&apos;s administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="55"/>
        <source>The server refused the request (HTTP status %1). Try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="63"/>
        <source>This request was already decided or has expired; the list now shows its state.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="65"/>
        <source>This request no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::InboxPage</name>
    <message>
        <location filename="../console/pages/inboxpage.h" line="27"/>
        <source>Approvals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="36"/>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="37"/>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="42"/>
        <source>&amp;Approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="44"/>
        <source>Approve the selected request (key A)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="45"/>
        <source>Approve and allow h&amp;ost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="48"/>
        <source>Approve and allow its new host for the credential (key H)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="49"/>
        <source>&amp;Deny</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="51"/>
        <source>Deny, with the reason typed on the card (key D, then Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="52"/>
        <source>Open in &amp;browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="136"/>
        <source>The server cannot be reached: these are the requests last known. Retrying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="327"/>
        <source>Approved the request of %1; its new hosts are now allowed for their credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="331"/>
        <source>Approved the request of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="332"/>
        <source>Denied the request of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="340"/>
        <source>The request has no approval page to open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="342"/>
        <source>This credential needs a passkey: the approval page was opened in your browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="345"/>
        <source>Could not open %1 in the browser.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::LinksPage</name>
    <message>
        <location filename="../console/pages/linkspage.h" line="13"/>
        <source>Agent links</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="30"/>
        <source>&amp;New link…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="32"/>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="35"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="36"/>
        <source>Home team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="37"/>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="42"/>
        <source>Created by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="43"/>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="40"/>
        <source>(none: no credentials)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="54"/>
        <source>Link an agent of another team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="55"/>
        <source>Agent&apos;s &amp;team ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="56"/>
        <source>&amp;Agent ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="57"/>
        <source>&amp;Role in this team:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="59"/>
        <source>The agent can use this team&apos;s credentials of the role only. Without a role it can use none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="72"/>
        <source>Enter the ID of the agent&apos;s home team.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="76"/>
        <source>That agent already belongs to this team; give it credentials or roles directly.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="79"/>
        <source>Enter the agent&apos;s ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="103"/>
        <source>Remove link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="104"/>
        <source>Remove the link to %1 (team %2)? It can no longer use this team&apos;s credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="112"/>
        <source>The link to %1 was removed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::MainWindow</name>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="47"/>
        <location filename="../console/app/mainwindow.cpp" line="396"/>
        <source>TAP Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="100"/>
        <location filename="../console/app/mainwindow.cpp" line="397"/>
        <source>Not signed in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="136"/>
        <source>Session kept in memory only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="157"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="158"/>
        <source>Log &amp;in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="161"/>
        <source>&amp;Log out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="170"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="173"/>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="174"/>
        <source>&amp;New…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="180"/>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="186"/>
        <source>&amp;Filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="192"/>
        <source>&amp;Approve request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="110"/>
        <source>Retr&amp;y</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="198"/>
        <source>Den&amp;y request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="204"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="206"/>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="223"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="224"/>
        <source>&amp;Read the manual (README)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="230"/>
        <source>&amp;About TAP Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="247"/>
        <source>About TAP Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="248"/>
        <source>&lt;h3&gt;TAP Console %1&lt;/h3&gt;&lt;p&gt;The desktop console of TAP, the credential proxy for AI agents: manage your team&apos;s credentials, policies and agents, and answer approval requests.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="314"/>
        <source>Server unreachable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="316"/>
        <source>Cannot reach the server at %1 — retrying.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="334"/>
        <source>Disconnected from the server — retrying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="362"/>
        <source>TAP Console — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="364"/>
        <source>%1 in team %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="384"/>
        <source>Session expired.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="385"/>
        <source>Your session has expired or was ended. Log in again to continue.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::NamePicker</name>
    <message>
        <location filename="../console/dialogs/namepicker.cpp" line="192"/>
        <source>%1 is not on the server&apos;s list. Click to remove it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/namepicker.cpp" line="194"/>
        <source>Remove %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::Page</name>
    <message>
        <location filename="../console/pages/page.cpp" line="28"/>
        <source>Filter…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/page.cpp" line="146"/>
        <source>Only owners, admins and approvers can manage agents.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/page.cpp" line="150"/>
        <source>Only owners and admins can change the configuration.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/page.cpp" line="195"/>
        <source>Nothing here yet. Add the first one with New… (Ctrl+N).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/page.cpp" line="196"/>
        <source>Nothing here yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/page.cpp" line="206"/>
        <source>No rows match the filter.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::PoliciesPage</name>
    <message>
        <location filename="../console/pages/policiespage.h" line="22"/>
        <source>Policies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="32"/>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="34"/>
        <source>&amp;Remove policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="47"/>
        <source>&amp;Auto-approve methods:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="53"/>
        <source>One URL pattern per line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="56"/>
        <source>Auto-approve &amp;URLs:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="58"/>
        <source>members&apos; emails; none: every member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="50"/>
        <source>Methods that &amp;need approval:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="59"/>
        <source>A&amp;llowed approvers:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="60"/>
        <source>&amp;Telegram chat:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="62"/>
        <source>&amp;Matrix room:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="67"/>
        <source>Approval &amp;channel:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="68"/>
        <source>Approvals need a &amp;passkey (decided in the browser)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="126"/>
        <source>Unsaved policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="127"/>
        <source>The policy of %1 has unsaved changes. Save them?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="184"/>
        <source>No policy is set for this credential, so every request needs approval.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="186"/>
        <source>Policy in force.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="208"/>
        <source>The Telegram chat must be a numeric chat id or an @channel name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="210"/>
        <source>The Matrix room must be a room id (!…) or an alias (#…).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="222"/>
        <source>%1 is not a member of the team.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="229"/>
        <source>The policy of %1 was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="238"/>
        <source>Remove policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="239"/>
        <source>Remove the policy of %1? Every request to it will then need approval.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="245"/>
        <source>The policy of %1 was removed; every request now needs approval.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::RolesPage</name>
    <message>
        <location filename="../console/pages/rolespage.h" line="13"/>
        <source>Roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="36"/>
        <source>The team has no credential &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="39"/>
        <source>Name: 1–64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="44"/>
        <source>&quot;%1&quot; is not a valid credential name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="56"/>
        <source>&amp;New…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="58"/>
        <source>Edi&amp;t…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="60"/>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="63"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="64"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="65"/>
        <source>Credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="69"/>
        <source>Requests per hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="70"/>
        <location filename="../console/pages/rolespage.cpp" line="93"/>
        <source>unlimited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="85"/>
        <source>New role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="85"/>
        <source>Edit role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="86"/>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="87"/>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="88"/>
        <source>&amp;Credentials:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="89"/>
        <source>type a name, Enter adds it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="92"/>
        <source>Requests per &amp;hour:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="114"/>
        <source>Delete role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="115"/>
        <source>Delete the role %1? Agents and links that have it lose its credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="120"/>
        <source>Deleted %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::SecretDialog</name>
    <message>
        <location filename="../console/dialogs/secretdialog.cpp" line="31"/>
        <source>&amp;Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/secretdialog.cpp" line="44"/>
        <source>Copied to the clipboard.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::Session</name>
    <message>
        <location filename="../console/session/session.cpp" line="74"/>
        <source>The system keychain is not available (%1). The session is kept in memory for this run only; you will have to log in again next time.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::SignInDialog</name>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="43"/>
        <source>Sign in to TAP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="54"/>
        <source>New server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="58"/>
        <source>&amp;Profile:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="61"/>
        <source>&amp;Server URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="63"/>
        <source>&amp;Email:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="72"/>
        <source>&amp;Log in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="73"/>
        <source>Sign &amp;up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="74"/>
        <source>&amp;Verify email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="107"/>
        <location filename="../console/dialogs/signindialog.cpp" line="135"/>
        <source>Pass&amp;word:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="109"/>
        <source>optional: for members of several teams</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="110"/>
        <source>&amp;Team ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="112"/>
        <source>optional: tapi_… from an invitation mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="113"/>
        <location filename="../console/dialogs/signindialog.cpp" line="127"/>
        <source>&amp;Invitation:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="114"/>
        <source>Log in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="126"/>
        <source>only if you were invited: tapi_… from the mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="130"/>
        <source>New &amp;team name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="137"/>
        <source>&amp;Repeat password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="138"/>
        <source>Create account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="152"/>
        <source>&amp;Code from the email:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="153"/>
        <source>Verify</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="154"/>
        <source>Send a new code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="172"/>
        <source>The email or the password is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="174"/>
        <source>This account cannot log in to this team yet: verify the email address first, or check the team ID and the invitation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="179"/>
        <location filename="../console/dialogs/signindialog.cpp" line="286"/>
        <source>The invitation is invalid or has expired.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="213"/>
        <source>The server URL must start with http:// or https://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="218"/>
        <source>Enter a valid email address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="230"/>
        <source>Enter your password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="250"/>
        <source>Team names are 3–64 characters: lowercase letters, digits and hyphens, starting and ending with a letter or digit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="253"/>
        <source>Passwords must be 8 to 1024 characters long.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="255"/>
        <source>The passwords do not match.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="269"/>
        <source>Account created. Enter the 6-digit code we sent to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="294"/>
        <source>Account created and invitation accepted. You can log in now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="306"/>
        <source>The code is the 6 digits from the email.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="314"/>
        <source>The code is wrong or has expired. Send a new code if needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="317"/>
        <source>Email verified. You can log in now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="331"/>
        <source>If the account still needs verifying, a new code is on its way.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::TeamPage</name>
    <message>
        <location filename="../console/pages/teampage.h" line="15"/>
        <source>Team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="31"/>
        <source>&amp;Invite…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="33"/>
        <source>Change &amp;role…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="35"/>
        <source>Re&amp;move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="38"/>
        <source>Email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="39"/>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="43"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="51"/>
        <source>Since / until</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="61"/>
        <source>Team &lt;b&gt;%1&lt;/b&gt; (%2) — you are %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="46"/>
        <source>Invited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="48"/>
        <source>Member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="49"/>
        <source>Member (email not verified)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="82"/>
        <source>Invite a member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="83"/>
        <source>&amp;Email:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="84"/>
        <location filename="../console/pages/teampage.cpp" line="126"/>
        <source>&amp;Role:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="86"/>
        <source>The invitation is mailed with a token to sign up or log in with; it expires in 7 days.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="96"/>
        <source>Enter a valid email address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="100"/>
        <source>This person is already a member of the team or invited.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="107"/>
        <source>Invitation sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="121"/>
        <source>Invitations cannot be changed; invite again instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="124"/>
        <source>Change role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="146"/>
        <source>Pending invitations expire on their own.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="149"/>
        <source>Remove member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="150"/>
        <source>Remove %1 from the team? Their sessions end at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="154"/>
        <source>%1 was removed from the team.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::TrayController</name>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="49"/>
        <source>&amp;Keep running in the tray when closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="54"/>
        <source>&amp;Start at login</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="62"/>
        <source>TAP Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="63"/>
        <source>Could not change %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="113"/>
        <source>TAP Console keeps running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="114"/>
        <source>It keeps watching for approval requests in the tray. Choose Quit in the tray menu to end it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="135"/>
        <source>&amp;Open TAP Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="140"/>
        <source>Disconnected from the server — retrying</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../console/app/traycontroller.cpp" line="156"/>
        <source>%n more request(s)…</source>
        <translation>
            <numerusform>%n more request…</numerusform>
            <numerusform>%n more requests…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="159"/>
        <source>No requests waiting for you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="162"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="168"/>
        <source>The decision was not recorded</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tap::console::TrayNotifier</name>
    <message>
        <location filename="../console/approvals/traynotifier.cpp" line="10"/>
        <location filename="../console/approvals/traynotifier.cpp" line="80"/>
        <location filename="../console/approvals/traynotifier.cpp" line="95"/>
        <source>TAP Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/traynotifier.cpp" line="47"/>
        <source>Approvals waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../console/approvals/traynotifier.cpp" line="48"/>
        <source>%n request(s) are waiting for your decision.</source>
        <translation>
            <numerusform>%n request is waiting for your decision.</numerusform>
            <numerusform>%n requests are waiting for your decision.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../console/approvals/traynotifier.cpp" line="61"/>
        <source>Approval requested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/traynotifier.cpp" line="59"/>
        <source>%1 wants to use %2: %3 %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/approvals/traynotifier.cpp" line="93"/>
        <source>TAP Console: disconnected from the server — retrying</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../console/approvals/traynotifier.cpp" line="97"/>
        <source>TAP Console: %n pending approval(s)</source>
        <translation>
            <numerusform>TAP Console: %n pending approval</numerusform>
            <numerusform>TAP Console: %n pending approvals</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tap::console::WelcomePage</name>
    <message>
        <location filename="../console/app/welcomepage.cpp" line="36"/>
        <source>&amp;Sign up…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/welcomepage.cpp" line="38"/>
        <source>&amp;Log in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/welcomepage.cpp" line="54"/>
        <source>Welcome to TAP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/welcomepage.cpp" line="55"/>
        <source>TAP keeps your team&apos;s API keys away from your AI agents and asks you before they do something risky. Create an account and a team with Sign up, or log in to a TAP server you already use.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/welcomepage.cpp" line="59"/>
        <source>You are logged out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/app/welcomepage.cpp" line="60"/>
        <source>Log in again to manage your team and answer approval requests.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
