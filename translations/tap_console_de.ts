<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ApiClient</name>
    <message>
        <location filename="../common/apiclient/apiclient.cpp" line="181"/>
        <source>The request was cancelled or timed out.</source>
        <translation>Die Anfrage wurde abgebrochen oder hat zu lange gedauert.</translation>
    </message>
    <message>
        <location filename="../common/apiclient/apiclient.cpp" line="182"/>
        <source>The server could not be reached: %1</source>
        <translation>Der Server ist nicht erreichbar: %1</translation>
    </message>
</context>
<context>
    <name>ApiClient::Reply</name>
    <message>
        <location filename="../common/apiclient/apiclient.cpp" line="18"/>
        <source>The server could not be reached.</source>
        <translation>Der Server ist nicht erreichbar.</translation>
    </message>
    <message>
        <location filename="../common/apiclient/apiclient.cpp" line="19"/>
        <source>The server answered with HTTP status %1.</source>
        <translation>Der Server antwortete mit HTTP-Status %1.</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <location filename="../console/app/environment.cpp" line="28"/>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>JSON-Zeilen (*.jsonl);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>tap::console::AgentsPage</name>
    <message>
        <location filename="../console/pages/agentspage.h" line="16"/>
        <source>Agents</source>
        <translation>Agenten</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="36"/>
        <source>&quot;%1&quot; is not a valid name.</source>
        <translation>„%1“ ist kein gültiger Name.</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="62"/>
        <source>The team has no credential &quot;%1&quot;.</source>
        <translation>Das Team hat keine Zugangsdaten „%1“.</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="65"/>
        <source>The team has no role &quot;%1&quot;.</source>
        <translation>Das Team hat keine Rolle „%1“.</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="86"/>
        <source>&amp;New…</source>
        <translation>&amp;Neu…</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="90"/>
        <source>Enable / d&amp;isable</source>
        <translation>Aktivieren / d&amp;eaktivieren</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="92"/>
        <source>Rotate &amp;key</source>
        <translation>&amp;Schlüssel erneuern</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="94"/>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="100"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="101"/>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="102"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="105"/>
        <source>Requests per hour</source>
        <translation>Anfragen pro Stunde</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="106"/>
        <source>Credentials</source>
        <translation>Zugangsdaten</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="109"/>
        <source>Roles</source>
        <translation>Rollen</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="103"/>
        <source>enabled</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="103"/>
        <source>disabled</source>
        <translation>deaktiviert</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="105"/>
        <location filename="../console/pages/agentspage.cpp" line="173"/>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="143"/>
        <source>%1 can use no credential.</source>
        <translation>%1 kann keine Zugangsdaten verwenden.</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="144"/>
        <source>%1 can use: %2</source>
        <translation>%1 kann verwenden: %2</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="155"/>
        <source>New agent</source>
        <translation>Neuer Agent</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="155"/>
        <source>Edit agent</source>
        <translation>Agent bearbeiten</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="156"/>
        <source>&amp;ID:</source>
        <translation>&amp;ID:</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="157"/>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="158"/>
        <source>&amp;Credentials:</source>
        <translation>&amp;Zugangsdaten:</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="162"/>
        <source>&amp;Roles:</source>
        <translation>&amp;Rollen:</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="167"/>
        <source>As an approver you assign credentials directly; roles are given by owners and admins.</source>
        <translation>Als Genehmiger weisen Sie Zugangsdaten direkt zu; Rollen vergeben Eigentümer und Administratoren.</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="172"/>
        <source>Requests per &amp;hour:</source>
        <translation>Anfragen pro &amp;Stunde:</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="70"/>
        <source>ID: 1–64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit.</source>
        <translation>ID: 1–64 Buchstaben, Ziffern, „.“, „_“ oder „-“, beginnend mit einem Buchstaben oder einer Ziffer.</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="88"/>
        <source>Edi&amp;t…</source>
        <translation>Bearbei&amp;ten…</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="159"/>
        <location filename="../console/pages/agentspage.cpp" line="163"/>
        <source>type a name, Enter adds it</source>
        <translation>Namen eingeben, Enter fügt ihn hinzu</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="198"/>
        <source>API key of %1</source>
        <translation>API-Schlüssel von %1</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="199"/>
        <source>Give this key to the agent (header X-TAP-Key). It will not be shown again.</source>
        <translation>Geben Sie diesen Schlüssel dem Agenten (Header X-TAP-Key). Er wird nicht noch einmal angezeigt.</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="214"/>
        <source>%1 is enabled.</source>
        <translation>%1 ist aktiviert.</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="215"/>
        <source>%1 is disabled: all its requests are refused.</source>
        <translation>%1 ist deaktiviert: alle seine Anfragen werden abgelehnt.</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="224"/>
        <source>Rotate API key</source>
        <translation>API-Schlüssel erneuern</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="225"/>
        <source>Give %1 a new API key? The old key stops working at once.</source>
        <translation>%1 einen neuen API-Schlüssel geben? Der alte Schlüssel ist sofort ungültig.</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="235"/>
        <source>Delete agent</source>
        <translation>Agent löschen</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="236"/>
        <source>Delete the agent %1? Its API key stops working at once.</source>
        <translation>Den Agenten %1 löschen? Sein API-Schlüssel ist sofort ungültig.</translation>
    </message>
    <message>
        <location filename="../console/pages/agentspage.cpp" line="239"/>
        <source>Deleted %1.</source>
        <translation>%1 gelöscht.</translation>
    </message>
</context>
<context>
    <name>tap::console::ApprovalCard</name>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="53"/>
        <source>Agent:</source>
        <translation>Agent:</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="54"/>
        <source>Credential:</source>
        <translation>Zugangsdaten:</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="55"/>
        <source>Request:</source>
        <translation>Anfrage:</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="56"/>
        <source>Why it waits:</source>
        <translation>Warum sie wartet:</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="57"/>
        <source>Time left:</source>
        <translation>Verbleibende Zeit:</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="58"/>
        <source>May decide:</source>
        <translation>Darf entscheiden:</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="59"/>
        <source>Outcome:</source>
        <translation>Ergebnis:</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="66"/>
        <source>(no body)</source>
        <translation>(kein Inhalt)</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="72"/>
        <source>Reason for denying (optional, the agent is told) — Enter denies</source>
        <translation>Grund der Ablehnung (optional, der Agent erfährt ihn) — Eingabe lehnt ab</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="116"/>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="122"/>
        <source>%1:%2:%3 left</source>
        <translation>noch %1:%2:%3</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="125"/>
        <source>%1:%2 left</source>
        <translation>noch %1:%2</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="163"/>
        <source>Request %1 — %2</source>
        <translation>Anfrage %1 — %2</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="166"/>
        <source>%1 (team %2)</source>
        <translation>%1 (Team %2)</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="167"/>
        <source>%1 (%2, team %3)</source>
        <translation>%1 (%2, Team %3)</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="207"/>
        <source>A human approves the first use of a host with a credential.</source>
        <translation>Die erste Verwendung eines Hosts mit diesen Zugangsdaten genehmigt ein Mensch.</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="209"/>
        <source>The credential&apos;s policy asks a human to approve %1 requests.</source>
        <translation>Die Richtlinie der Zugangsdaten verlangt, dass ein Mensch %1-Anfragen genehmigt.</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="211"/>
        <source>This credential needs a passkey: approve in the browser (deny here or there).</source>
        <translation>Diese Zugangsdaten verlangen einen Passkey: im Browser genehmigen (ablehnen hier oder dort).</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="213"/>
        <source>You are not an allowed approver for this credential.</source>
        <translation>Sie dürfen für diese Zugangsdaten nicht genehmigen.</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="220"/>
        <source>any member of the team</source>
        <translation>jedes Mitglied des Teams</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="223"/>
        <source>%1 (you)</source>
        <translation>%1 (Sie)</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="233"/>
        <source>%1 by %2 via %3 at %4</source>
        <translation>%1 von %2 über %3 um %4</translation>
    </message>
    <message>
        <location filename="../console/pages/approvalcard.cpp" line="237"/>
        <source> — reason: “%1”</source>
        <translation> — Grund: „%1“</translation>
    </message>
</context>
<context>
    <name>tap::console::ApprovalsModel</name>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="21"/>
        <source>Pending</source>
        <translation>Offen</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="23"/>
        <source>Approved</source>
        <translation>Genehmigt</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="25"/>
        <source>Forwarded</source>
        <translation>Weitergeleitet</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="27"/>
        <source>Denied</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="29"/>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="31"/>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="43"/>
        <source>Needs a passkey: decided in the browser.</source>
        <translation>Braucht einen Passkey: wird im Browser entschieden.</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="58"/>
        <source> (passkey)</source>
        <translation> (Passkey)</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="85"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="87"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="89"/>
        <source>Credential</source>
        <translation>Zugangsdaten</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="91"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="93"/>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="95"/>
        <source>Requested</source>
        <translation>Angefragt</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="97"/>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <location filename="../console/approvals/approvalsmodel.cpp" line="99"/>
        <source>Decided by</source>
        <translation>Entschieden von</translation>
    </message>
</context>
<context>
    <name>tap::console::AuditPage</name>
    <message>
        <location filename="../console/pages/auditpage.h" line="19"/>
        <source>Audit trail</source>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="35"/>
        <source>Allowed by the policy.</source>
        <translation>Von der Richtlinie erlaubt.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="36"/>
        <source>The URL is auto-approved.</source>
        <translation>Die URL ist automatisch genehmigt.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="37"/>
        <source>The method is auto-approved.</source>
        <translation>Die Methode ist automatisch genehmigt.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="38"/>
        <source>The method needs approval.</source>
        <translation>Die Methode braucht eine Genehmigung.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="39"/>
        <source>Not auto-approved by the policy.</source>
        <translation>Von der Richtlinie nicht automatisch genehmigt.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="40"/>
        <source>No policy: every request needs approval.</source>
        <translation>Keine Richtlinie: Jede Anfrage braucht eine Genehmigung.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="41"/>
        <source>The policy asks for a passkey.</source>
        <translation>Die Richtlinie verlangt einen Passkey.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="42"/>
        <source>A host new for this credential.</source>
        <translation>Ein für diese Zugangsdaten neuer Host.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="44"/>
        <source>The agent may not use this credential.</source>
        <translation>Der Agent darf diese Zugangsdaten nicht verwenden.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="45"/>
        <source>Approved by a member.</source>
        <translation>Von einem Mitglied genehmigt.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="47"/>
        <source>The upstream broke off the answer.</source>
        <translation>Der Zielserver hat die Antwort abgebrochen.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="48"/>
        <source>The agent was deleted.</source>
        <translation>Der Agent wurde gelöscht.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="49"/>
        <source>The agent was disabled.</source>
        <translation>Der Agent wurde deaktiviert.</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="59"/>
        <source>&amp;Search</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="61"/>
        <source>Load &amp;more</source>
        <translation>&amp;Mehr laden</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="64"/>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="78"/>
        <source>All kinds</source>
        <translation>Alle Arten</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="79"/>
        <source>Admin changes</source>
        <translation>Verwaltungsänderungen</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="80"/>
        <source>Agent requests</source>
        <translation>Agentenanfragen</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="83"/>
        <source>All decisions</source>
        <translation>Alle Entscheidungen</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="86"/>
        <source>action, e.g. credential.create</source>
        <translation>Aktion, z. B. credential.create</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="87"/>
        <source>member email</source>
        <translation>E-Mail des Mitglieds</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="88"/>
        <source>agent ID</source>
        <translation>Agenten-ID</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="89"/>
        <source>credential</source>
        <translation>Zugangsdaten</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="90"/>
        <source>since, e.g. 2026-04-03T12:00:00Z</source>
        <translation>seit, z. B. 2026-04-03T12:00:00Z</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="91"/>
        <source>until (RFC 3339)</source>
        <translation>bis (RFC 3339)</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="105"/>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="105"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="106"/>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="111"/>
        <source>Action / request</source>
        <translation>Aktion / Anfrage</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="118"/>
        <source>Credential</source>
        <translation>Zugangsdaten</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="119"/>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="120"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="121"/>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="143"/>
        <source>&quot;%1&quot; is not an RFC 3339 time such as 2026-04-03T12:00:00Z.</source>
        <translation>„%1“ ist keine RFC-3339-Zeit wie 2026-04-03T12:00:00Z.</translation>
    </message>
    <message numerus="yes">
        <location filename="../console/pages/auditpage.cpp" line="187"/>
        <source>%n record(s) shown.</source>
        <translation>
            <numerusform>%n Eintrag angezeigt.</numerusform>
            <numerusform>%n Einträge angezeigt.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="197"/>
        <source>Export audit trail</source>
        <translation>Prüfprotokoll exportieren</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="204"/>
        <source>Exporting…</source>
        <translation>Exportiere…</translation>
    </message>
    <message>
        <location filename="../console/pages/auditpage.cpp" line="213"/>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../console/pages/auditpage.cpp" line="215"/>
        <source>Exported %n record(s) to %1.</source>
        <translation>
            <numerusform>%n Eintrag nach %1 exportiert.</numerusform>
            <numerusform>%n Einträge nach %1 exportiert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tap::console::ChannelsPage</name>
    <message>
        <location filename="../console/pages/channelspage.h" line="13"/>
        <source>Notification channels</source>
        <translation>Benachrichtigungskanäle</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="43"/>
        <source>Name: 1–64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit.</source>
        <translation>Name: 1–64 Buchstaben, Ziffern, „.“, „_“ oder „-“, beginnend mit einem Buchstaben oder einer Ziffer.</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="46"/>
        <source>The chat must be a Telegram chat id such as -100123456.</source>
        <translation>Der Chat muss eine Telegram-Chat-ID wie -100123456 sein.</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="48"/>
        <source>The bot token is one word of at most 256 characters.</source>
        <translation>Das Bot-Token ist ein Wort mit höchstens 256 Zeichen.</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="50"/>
        <source>The room must be a Matrix room id such as !abc:example.org.</source>
        <translation>Der Raum muss eine Matrix-Raum-ID wie !abc:example.org sein.</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="70"/>
        <source>&amp;New…</source>
        <translation>&amp;Neu…</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="72"/>
        <source>Send &amp;test</source>
        <translation>&amp;Test senden</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="74"/>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="77"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="78"/>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="82"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="83"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="88"/>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="60"/>
        <source> (bot token set)</source>
        <translation> (Bot-Token gesetzt)</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="85"/>
        <source>enabled</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="86"/>
        <source>disabled</source>
        <translation>deaktiviert</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="98"/>
        <source>New notification channel</source>
        <translation>Neuer Benachrichtigungskanal</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="99"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="100"/>
        <source>&amp;Type:</source>
        <translation>&amp;Typ:</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="102"/>
        <source>Telegram &amp;chat:</source>
        <translation>Telegram-&amp;Chat:</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="104"/>
        <source>&amp;Bot token (optional):</source>
        <translation>&amp;Bot-Token (optional):</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="105"/>
        <source>Matrix &amp;room:</source>
        <translation>Matrix-&amp;Raum:</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="133"/>
        <source>Sending a test message to %1…</source>
        <translation>Sende eine Testnachricht an %1…</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="135"/>
        <source>A test message was sent to %1.</source>
        <translation>Eine Testnachricht wurde an %1 gesendet.</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="143"/>
        <source>Delete channel</source>
        <translation>Kanal löschen</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="144"/>
        <source>Delete the notification channel %1? Policies that send approvals there fall back to the default channels.</source>
        <translation>Den Benachrichtigungskanal %1 löschen? Richtlinien, die Genehmigungen dorthin senden, fallen auf die Standardkanäle zurück.</translation>
    </message>
    <message>
        <location filename="../console/pages/channelspage.cpp" line="149"/>
        <source>Deleted %1.</source>
        <translation>%1 gelöscht.</translation>
    </message>
</context>
<context>
    <name>tap::console::CredentialsPage</name>
    <message>
        <location filename="../console/pages/credentialspage.h" line="23"/>
        <source>Credentials</source>
        <translation>Zugangsdaten</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="74"/>
        <source>Name: 1–64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit.</source>
        <translation>Name: 1–64 Buchstaben, Ziffern, „.“, „_“ oder „-“, beginnend mit einem Buchstaben oder einer Ziffer.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="79"/>
        <source>Choose the role this credential belongs to.</source>
        <translation>Wählen Sie die Rolle, zu der diese Zugangsdaten gehören.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="80"/>
        <source>Choose the agent this credential belongs to.</source>
        <translation>Wählen Sie den Agenten, zu dem diese Zugangsdaten gehören.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="82"/>
        <source>Enter a description.</source>
        <translation>Geben Sie eine Beschreibung ein.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="84"/>
        <source>The API base must be an http:// or https:// URL.</source>
        <translation>Die API-Basis muss eine http://- oder https://-URL sein.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="86"/>
        <source>A sidecar connector needs an API base.</source>
        <translation>Ein Sidecar-Connector braucht eine API-Basis.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="88"/>
        <source>Relative targets need the sidecar connector.</source>
        <translation>Relative Ziele brauchen den Sidecar-Connector.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="90"/>
        <source>The header format must contain {value} exactly once.</source>
        <translation>Das Header-Format muss {value} genau einmal enthalten.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="102"/>
        <source>&amp;New…</source>
        <translation>&amp;Neu…</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="104"/>
        <source>Edi&amp;t…</source>
        <translation>Bearbei&amp;ten…</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="106"/>
        <source>&amp;Rotate value…</source>
        <translation>Wert &amp;erneuern…</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="108"/>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="119"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="123"/>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="124"/>
        <source>Connector</source>
        <translation>Connector</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="127"/>
        <source>API base</source>
        <translation>API-Basis</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="120"/>
        <source>Scope</source>
        <translation>Geltungsbereich</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="128"/>
        <source>Allowed hosts</source>
        <translation>Erlaubte Hosts</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="131"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="132"/>
        <source>Updated</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="151"/>
        <source>set</source>
        <translation>gesetzt</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="150"/>
        <source>parts: %1</source>
        <translation>Teile: %1</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="151"/>
        <source>not set</source>
        <translation>nicht gesetzt</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="110"/>
        <source>&amp;Connect…</source>
        <translation>&amp;Verbinden…</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="144"/>
        <source>Reconnect required</source>
        <translation>Neu verbinden nötig</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="146"/>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="158"/>
        <source>role:%1</source>
        <translation>Rolle:%1</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="160"/>
        <source>agent:%1</source>
        <translation>Agent:%1</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="164"/>
        <source>team</source>
        <translation>Team</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="175"/>
        <source>&amp;Scope:</source>
        <translation>&amp;Geltungsbereich:</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="176"/>
        <source>Team (every agent granted it)</source>
        <translation>Team (jeder Agent, dem sie zugewiesen sind)</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="177"/>
        <source>Role (its agents)</source>
        <translation>Rolle (deren Agenten)</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="178"/>
        <source>Agent (this agent only)</source>
        <translation>Agent (nur dieser Agent)</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="180"/>
        <source>&amp;Role or agent:</source>
        <translation>&amp;Rolle oder Agent:</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="220"/>
        <source>New credential</source>
        <translation>Neue Zugangsdaten</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="220"/>
        <source>Edit credential</source>
        <translation>Zugangsdaten bearbeiten</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="221"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="223"/>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="224"/>
        <source>&amp;Connector:</source>
        <translation>&amp;Connector:</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="226"/>
        <source>&amp;API base:</source>
        <translation>&amp;API-Basis:</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="228"/>
        <source>Targets are &amp;paths under the API base</source>
        <translation>Ziele sind &amp;Pfade unter der API-Basis</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="230"/>
        <source>Header &amp;format:</source>
        <translation>Header-&amp;Format:</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="231"/>
        <source>Allowed &amp;hosts:</source>
        <translation>Erlaubte &amp;Hosts:</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="232"/>
        <source>default: the API base&apos;s host</source>
        <translation>Standard: der Host der API-Basis</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="234"/>
        <source>Secret &amp;value:</source>
        <translation>Geheimer &amp;Wert:</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="261"/>
        <source>Rotate value of %1 (%2)</source>
        <translation>Wert von %1 (%2) erneuern</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="262"/>
        <source>The new value replaces the old one at once. It is never shown again.</source>
        <translation>Der neue Wert ersetzt den alten sofort. Er wird nie wieder angezeigt.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="263"/>
        <source>New &amp;value:</source>
        <translation>Neuer &amp;Wert:</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="264"/>
        <source>&amp;Repeat:</source>
        <translation>Wieder&amp;holen:</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="267"/>
        <source>Enter the new value.</source>
        <translation>Geben Sie den neuen Wert ein.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="274"/>
        <source>The two values differ.</source>
        <translation>Die beiden Werte unterscheiden sich.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="286"/>
        <source>The value of %1 was replaced.</source>
        <translation>Der Wert von %1 wurde ersetzt.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="302"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="310"/>
        <source>the roles %1</source>
        <translation>den Rollen %1</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="312"/>
        <source>the agents %1</source>
        <translation>den Agenten %1</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="314"/>
        <location filename="../console/pages/credentialspage.cpp" line="335"/>
        <source>its policy</source>
        <translation>seiner Richtlinie</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="316"/>
        <source>Delete the credential %1? No role, agent or policy uses it.</source>
        <translation>Die Zugangsdaten %1 löschen? Keine Rolle, kein Agent und keine Richtlinie verwendet sie.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="318"/>
        <source>Delete the credential %1? It is also removed from %2.</source>
        <translation>Die Zugangsdaten %1 löschen? Sie werden auch entfernt aus %2.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="319"/>
        <location filename="../console/pages/credentialspage.cpp" line="338"/>
        <source>; </source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="320"/>
        <source>Delete credential</source>
        <translation>Zugangsdaten löschen</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="329"/>
        <source>roles: %1</source>
        <translation>Rollen: %1</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="332"/>
        <source>agents: %1</source>
        <translation>Agenten: %1</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="336"/>
        <source>Deleted %1.</source>
        <translation>%1 gelöscht.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="337"/>
        <source>Deleted %1 and removed it from %2.</source>
        <translation>%1 gelöscht und entfernt aus %2.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="356"/>
        <source>Only an oauth2 credential can be connected; %1 is %2.</source>
        <translation>Nur oauth2-Zugangsdaten lassen sich verbinden; %1 ist %2.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="360"/>
        <source>Connect %1</source>
        <translation>%1 verbinden</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="361"/>
        <source>Your browser opens the provider&apos;s consent page. After you allow access, the refresh token is stored on the row of the scope chosen here; an agent&apos;s or role&apos;s row is created from the team row if it does not exist yet.</source>
        <translation>Ihr Browser öffnet die Zustimmungsseite des Anbieters. Nachdem Sie den Zugriff erlaubt haben, wird das Refresh-Token in der Zeile des hier gewählten Geltungsbereichs gespeichert; die Zeile eines Agenten oder einer Rolle wird aus der Team-Zeile angelegt, falls es sie noch nicht gibt.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="391"/>
        <source>Could not open the browser. Open this address to connect: %1</source>
        <translation>Der Browser konnte nicht geöffnet werden. Öffnen Sie diese Adresse, um zu verbinden: %1</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="399"/>
        <source>Allow access in the browser to connect %1 (%2)…</source>
        <translation>Erlauben Sie den Zugriff im Browser, um %1 (%2) zu verbinden…</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="412"/>
        <source>%1 (%2) was not connected: the browser step did not finish in time.</source>
        <translation>%1 (%2) wurde nicht verbunden: der Schritt im Browser wurde nicht rechtzeitig abgeschlossen.</translation>
    </message>
    <message>
        <location filename="../console/pages/credentialspage.cpp" line="430"/>
        <source>%1 (%2) is connected.</source>
        <translation>%1 (%2) ist verbunden.</translation>
    </message>
</context>
<context>
    <name>tap::console::DesktopNotifier</name>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="84"/>
        <source>%1 wants to use %2</source>
        <translation>%1 möchte %2 verwenden</translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="90"/>
        <source>Needs a passkey: open it to approve.</source>
        <translation>Braucht einen Passkey: zum Genehmigen öffnen.</translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="102"/>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="104"/>
        <source>Open to approve</source>
        <translation>Zum Genehmigen öffnen</translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="106"/>
        <source>Approve</source>
        <translation>Genehmigen</translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="107"/>
        <source>Deny</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="113"/>
        <source>TAP Console</source>
        <translation>TAP-Konsole</translation>
    </message>
    <message>
        <location filename="../console/approvals/desktopnotifier.cpp" line="114"/>
        <source>Approval requested</source>
        <translation>Genehmigung angefragt</translation>
    </message>
</context>
<context>
    <name>tap::console::ErrorText</name>
    <message>
        <location filename="../console/app/errortext.cpp" line="10"/>
        <source>The server could not be reached. Check the server URL and your connection.</source>
        <translation>Der Server ist nicht erreichbar. Prüfen Sie die Server-URL und Ihre Verbindung.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="13"/>
        <source>The server did not accept the entries. Check the fields and try again.</source>
        <translation>Der Server hat die Eingaben nicht angenommen. Prüfen Sie die Felder und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="15"/>
        <source>You are not signed in (any more). Log in again.</source>
        <translation>Sie sind nicht (mehr) angemeldet. Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="16"/>
        <source>Your role in this team does not allow this.</source>
        <translation>Ihre Rolle in diesem Team erlaubt das nicht.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="18"/>
        <source>This item does not exist (any more). Refresh the page.</source>
        <translation>Dieser Eintrag existiert nicht (mehr). Aktualisieren Sie die Seite.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="20"/>
        <source>This clashes with an existing item (for example the same name). Choose another name or refresh the page.</source>
        <translation>Das kollidiert mit einem vorhandenen Eintrag (zum Beispiel gleicher Name). Wählen Sie einen anderen Namen oder aktualisieren Sie die Seite.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="23"/>
        <source>Too many attempts. Wait a little and try again.</source>
        <translation>Zu viele Versuche. Warten Sie etwas und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="24"/>
        <source>The entries are too large.</source>
        <translation>Die Eingaben sind zu groß.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="26"/>
        <source>The server took too long to answer. Try again.</source>
        <translation>Der Server hat zu lange für die Antwort gebraucht. Versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="27"/>
        <source>Log in again to confirm this change.</source>
        <translation>Melden Sie sich erneut an, um diese Änderung zu bestätigen.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="29"/>
        <source>This needs your passkey: open the request in the browser.</source>
        <translation>Dafür ist Ihr Passkey nötig: Öffnen Sie die Anfrage im Browser.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="30"/>
        <source>The request has expired.</source>
        <translation>Die Anfrage ist abgelaufen.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="32"/>
        <source>The other service did not accept the request. Check its settings and try again.</source>
        <translation>Der andere Dienst hat die Anfrage nicht angenommen. Prüfen Sie seine Einstellungen und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="35"/>
        <source>The other service did not answer in time. Try again later.</source>
        <translation>Der andere Dienst hat nicht rechtzeitig geantwortet. Versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="37"/>
        <source>The server is busy or being maintained. Try again later.</source>
        <translation>Der Server ist ausgelastet oder wird gewartet. Versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="39"/>
        <source>The server ran into an internal error. Try again; if it persists, tell the server&apos;s administrator.</source>
        <translation>Auf dem Server ist ein interner Fehler aufgetreten. Versuchen Sie es erneut; bleibt er bestehen, wenden Sie sich an die Administration des Servers.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="55"/>
        <source>The server refused the request (HTTP status %1). Try again later.</source>
        <translation>Der Server hat die Anfrage abgelehnt (HTTP-Status %1). Versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="63"/>
        <source>This request was already decided or has expired; the list now shows its state.</source>
        <translation>Diese Anfrage wurde bereits entschieden oder ist abgelaufen; die Liste zeigt jetzt ihren Stand.</translation>
    </message>
    <message>
        <location filename="../console/app/errortext.cpp" line="65"/>
        <source>This request no longer exists.</source>
        <translation>Diese Anfrage gibt es nicht mehr.</translation>
    </message>
</context>
<context>
    <name>tap::console::InboxPage</name>
    <message>
        <location filename="../console/pages/inboxpage.h" line="27"/>
        <source>Approvals</source>
        <translation>Genehmigungen</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="36"/>
        <source>Pending</source>
        <translation>Offen</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="37"/>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="42"/>
        <source>&amp;Approve</source>
        <translation>&amp;Genehmigen</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="44"/>
        <source>Approve the selected request (key A)</source>
        <translation>Die ausgewählte Anfrage genehmigen (Taste A)</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="45"/>
        <source>Approve and allow h&amp;ost</source>
        <translation>Genehmigen und H&amp;ost erlauben</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="48"/>
        <source>Approve and allow its new host for the credential (key H)</source>
        <translation>Genehmigen und den neuen Host für die Zugangsdaten erlauben (Taste H)</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="49"/>
        <source>&amp;Deny</source>
        <translation>Ab&amp;lehnen</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="51"/>
        <source>Deny, with the reason typed on the card (key D, then Enter)</source>
        <translation>Ablehnen, mit dem auf der Karte eingegebenen Grund (Taste D, dann Eingabe)</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="52"/>
        <source>Open in &amp;browser</source>
        <translation>Im Brow&amp;ser öffnen</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="136"/>
        <source>The server cannot be reached: these are the requests last known. Retrying…</source>
        <translation>Der Server ist nicht erreichbar: Dies sind die zuletzt bekannten Anfragen. Neuer Versuch läuft…</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="327"/>
        <source>Approved the request of %1; its new hosts are now allowed for their credentials.</source>
        <translation>Die Anfrage von %1 wurde genehmigt; ihre neuen Hosts sind jetzt für die Zugangsdaten erlaubt.</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="331"/>
        <source>Approved the request of %1.</source>
        <translation>Die Anfrage von %1 wurde genehmigt.</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="332"/>
        <source>Denied the request of %1.</source>
        <translation>Die Anfrage von %1 wurde abgelehnt.</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="340"/>
        <source>The request has no approval page to open.</source>
        <translation>Die Anfrage hat keine Genehmigungsseite zum Öffnen.</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="342"/>
        <source>This credential needs a passkey: the approval page was opened in your browser.</source>
        <translation>Diese Zugangsdaten brauchen einen Passkey: die Genehmigungsseite wurde in Ihrem Browser geöffnet.</translation>
    </message>
    <message>
        <location filename="../console/pages/inboxpage.cpp" line="345"/>
        <source>Could not open %1 in the browser.</source>
        <translation>%1 konnte nicht im Browser geöffnet werden.</translation>
    </message>
</context>
<context>
    <name>tap::console::LinksPage</name>
    <message>
        <location filename="../console/pages/linkspage.h" line="13"/>
        <source>Agent links</source>
        <translation>Agenten-Verknüpfungen</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="30"/>
        <source>&amp;New link…</source>
        <translation>&amp;Neue Verknüpfung…</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="32"/>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="35"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="36"/>
        <source>Home team</source>
        <translation>Heimatteam</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="37"/>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="42"/>
        <source>Created by</source>
        <translation>Erstellt von</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="43"/>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="40"/>
        <source>(none: no credentials)</source>
        <translation>(keine: keine Zugangsdaten)</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="54"/>
        <source>Link an agent of another team</source>
        <translation>Einen Agenten eines anderen Teams verknüpfen</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="55"/>
        <source>Agent&apos;s &amp;team ID:</source>
        <translation>&amp;Team-ID des Agenten:</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="56"/>
        <source>&amp;Agent ID:</source>
        <translation>&amp;Agenten-ID:</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="57"/>
        <source>&amp;Role in this team:</source>
        <translation>&amp;Rolle in diesem Team:</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="59"/>
        <source>The agent can use this team&apos;s credentials of the role only. Without a role it can use none.</source>
        <translation>Der Agent kann nur die Zugangsdaten dieses Teams aus der Rolle verwenden. Ohne Rolle kann er keine verwenden.</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="72"/>
        <source>Enter the ID of the agent&apos;s home team.</source>
        <translation>Geben Sie die ID des Heimatteams des Agenten ein.</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="76"/>
        <source>That agent already belongs to this team; give it credentials or roles directly.</source>
        <translation>Dieser Agent gehört bereits zu diesem Team; geben Sie ihm Zugangsdaten oder Rollen direkt.</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="79"/>
        <source>Enter the agent&apos;s ID.</source>
        <translation>Geben Sie die ID des Agenten ein.</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="103"/>
        <source>Remove link</source>
        <translation>Verknüpfung entfernen</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="104"/>
        <source>Remove the link to %1 (team %2)? It can no longer use this team&apos;s credentials.</source>
        <translation>Die Verknüpfung zu %1 (Team %2) entfernen? Er kann dann keine Zugangsdaten dieses Teams mehr verwenden.</translation>
    </message>
    <message>
        <location filename="../console/pages/linkspage.cpp" line="112"/>
        <source>The link to %1 was removed.</source>
        <translation>Die Verknüpfung zu %1 wurde entfernt.</translation>
    </message>
</context>
<context>
    <name>tap::console::MainWindow</name>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="47"/>
        <location filename="../console/app/mainwindow.cpp" line="396"/>
        <source>TAP Console</source>
        <translation>TAP-Konsole</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="100"/>
        <location filename="../console/app/mainwindow.cpp" line="397"/>
        <source>Not signed in.</source>
        <translation>Nicht angemeldet.</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="136"/>
        <source>Session kept in memory only</source>
        <translation>Sitzung nur im Arbeitsspeicher</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="157"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="158"/>
        <source>Log &amp;in…</source>
        <translation>A&amp;nmelden…</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="161"/>
        <source>&amp;Log out</source>
        <translation>&amp;Abmelden</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="170"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="173"/>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="174"/>
        <source>&amp;New…</source>
        <translation>&amp;Neu…</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="180"/>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="186"/>
        <source>&amp;Filter</source>
        <translation>&amp;Filtern</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="192"/>
        <source>&amp;Approve request</source>
        <translation>Anfrage &amp;genehmigen</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="110"/>
        <source>Retr&amp;y</source>
        <translation>Erneut versu&amp;chen</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="198"/>
        <source>Den&amp;y request</source>
        <translation>Anfrage a&amp;blehnen</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="204"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="206"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="223"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="224"/>
        <source>&amp;Read the manual (README)</source>
        <translation>&amp;Handbuch lesen (README)</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="230"/>
        <source>&amp;About TAP Console</source>
        <translation>&amp;Über die TAP-Konsole</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="247"/>
        <source>About TAP Console</source>
        <translation>Über die TAP-Konsole</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="248"/>
        <source>&lt;h3&gt;TAP Console %1&lt;/h3&gt;&lt;p&gt;The desktop console of TAP, the credential proxy for AI agents: manage your team&apos;s credentials, policies and agents, and answer approval requests.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;TAP-Konsole %1&lt;/h3&gt;&lt;p&gt;Die Desktop-Konsole von TAP, dem Zugangsdaten-Proxy für KI-Agenten: Verwalten Sie Zugangsdaten, Richtlinien und Agenten Ihres Teams und beantworten Sie Genehmigungsanfragen.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="314"/>
        <source>Server unreachable.</source>
        <translation>Server nicht erreichbar.</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="316"/>
        <source>Cannot reach the server at %1 — retrying.</source>
        <translation>Der Server unter %1 ist nicht erreichbar — neuer Versuch läuft.</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="334"/>
        <source>Disconnected from the server — retrying…</source>
        <translation>Verbindung zum Server unterbrochen — neuer Versuch läuft…</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="362"/>
        <source>TAP Console — %1</source>
        <translation>TAP-Konsole — %1</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="364"/>
        <source>%1 in team %2 (%3)</source>
        <translation>%1 im Team %2 (%3)</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="384"/>
        <source>Session expired.</source>
        <translation>Sitzung abgelaufen.</translation>
    </message>
    <message>
        <location filename="../console/app/mainwindow.cpp" line="385"/>
        <source>Your session has expired or was ended. Log in again to continue.</source>
        <translation>Ihre Sitzung ist abgelaufen oder wurde beendet. Melden Sie sich erneut an, um fortzufahren.</translation>
    </message>
</context>
<context>
    <name>tap::console::NamePicker</name>
    <message>
        <location filename="../console/dialogs/namepicker.cpp" line="192"/>
        <source>%1 is not on the server&apos;s list. Click to remove it.</source>
        <translation>%1 steht nicht in der Liste des Servers. Zum Entfernen klicken.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/namepicker.cpp" line="194"/>
        <source>Remove %1</source>
        <translation>%1 entfernen</translation>
    </message>
</context>
<context>
    <name>tap::console::Page</name>
    <message>
        <location filename="../console/pages/page.cpp" line="28"/>
        <source>Filter…</source>
        <translation>Filtern…</translation>
    </message>
    <message>
        <location filename="../console/pages/page.cpp" line="146"/>
        <source>Only owners, admins and approvers can manage agents.</source>
        <translation>Nur Eigentümer, Administratoren und Genehmiger können Agenten verwalten.</translation>
    </message>
    <message>
        <location filename="../console/pages/page.cpp" line="150"/>
        <source>Only owners and admins can change the configuration.</source>
        <translation>Nur Eigentümer und Administratoren können die Konfiguration ändern.</translation>
    </message>
    <message>
        <location filename="../console/pages/page.cpp" line="195"/>
        <source>Nothing here yet. Add the first one with New… (Ctrl+N).</source>
        <translation>Noch nichts hier. Legen Sie den ersten Eintrag mit Neu… (Strg+N) an.</translation>
    </message>
    <message>
        <location filename="../console/pages/page.cpp" line="196"/>
        <source>Nothing here yet.</source>
        <translation>Noch nichts hier.</translation>
    </message>
    <message>
        <location filename="../console/pages/page.cpp" line="206"/>
        <source>No rows match the filter.</source>
        <translation>Keine Zeile passt zum Filter.</translation>
    </message>
</context>
<context>
    <name>tap::console::PoliciesPage</name>
    <message>
        <location filename="../console/pages/policiespage.h" line="22"/>
        <source>Policies</source>
        <translation>Richtlinien</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="32"/>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="34"/>
        <source>&amp;Remove policy</source>
        <translation>Richtlinie &amp;entfernen</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="47"/>
        <source>&amp;Auto-approve methods:</source>
        <translation>Aut&amp;omatisch genehmigte Methoden:</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="53"/>
        <source>One URL pattern per line</source>
        <translation>Ein URL-Muster pro Zeile</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="56"/>
        <source>Auto-approve &amp;URLs:</source>
        <translation>Automatisch genehmigte &amp;URLs:</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="58"/>
        <source>members&apos; emails; none: every member</source>
        <translation>E-Mail-Adressen von Mitgliedern; keine: jedes Mitglied</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="50"/>
        <source>Methods that &amp;need approval:</source>
        <translation>Methoden mit &amp;Genehmigungspflicht:</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="59"/>
        <source>A&amp;llowed approvers:</source>
        <translation>Er&amp;laubte Genehmigende:</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="60"/>
        <source>&amp;Telegram chat:</source>
        <translation>&amp;Telegram-Chat:</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="62"/>
        <source>&amp;Matrix room:</source>
        <translation>&amp;Matrix-Raum:</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="67"/>
        <source>Approval &amp;channel:</source>
        <translation>Genehmigungs&amp;kanal:</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="68"/>
        <source>Approvals need a &amp;passkey (decided in the browser)</source>
        <translation>Genehmigungen brauchen einen &amp;Passkey (Entscheidung im Browser)</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="126"/>
        <source>Unsaved policy</source>
        <translation>Ungespeicherte Richtlinie</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="127"/>
        <source>The policy of %1 has unsaved changes. Save them?</source>
        <translation>Die Richtlinie von %1 hat ungespeicherte Änderungen. Speichern?</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="184"/>
        <source>No policy is set for this credential, so every request needs approval.</source>
        <translation>Für diese Zugangsdaten ist keine Richtlinie gesetzt, daher braucht jede Anfrage eine Genehmigung.</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="186"/>
        <source>Policy in force.</source>
        <translation>Richtlinie in Kraft.</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="208"/>
        <source>The Telegram chat must be a numeric chat id or an @channel name.</source>
        <translation>Der Telegram-Chat muss eine numerische Chat-ID oder ein @Kanalname sein.</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="210"/>
        <source>The Matrix room must be a room id (!…) or an alias (#…).</source>
        <translation>Der Matrix-Raum muss eine Raum-ID (!…) oder ein Alias (#…) sein.</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="222"/>
        <source>%1 is not a member of the team.</source>
        <translation>%1 ist kein Mitglied des Teams.</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="229"/>
        <source>The policy of %1 was saved.</source>
        <translation>Die Richtlinie von %1 wurde gespeichert.</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="238"/>
        <source>Remove policy</source>
        <translation>Richtlinie entfernen</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="239"/>
        <source>Remove the policy of %1? Every request to it will then need approval.</source>
        <translation>Die Richtlinie von %1 entfernen? Jede Anfrage daran braucht dann eine Genehmigung.</translation>
    </message>
    <message>
        <location filename="../console/pages/policiespage.cpp" line="245"/>
        <source>The policy of %1 was removed; every request now needs approval.</source>
        <translation>Die Richtlinie von %1 wurde entfernt; jede Anfrage braucht jetzt eine Genehmigung.</translation>
    </message>
</context>
<context>
    <name>tap::console::RolesPage</name>
    <message>
        <location filename="../console/pages/rolespage.h" line="13"/>
        <source>Roles</source>
        <translation>Rollen</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="56"/>
        <source>&amp;New…</source>
        <translation>&amp;Neu…</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="60"/>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="63"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="64"/>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="65"/>
        <source>Credentials</source>
        <translation>Zugangsdaten</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="69"/>
        <source>Requests per hour</source>
        <translation>Anfragen pro Stunde</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="70"/>
        <location filename="../console/pages/rolespage.cpp" line="93"/>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="85"/>
        <source>New role</source>
        <translation>Neue Rolle</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="85"/>
        <source>Edit role</source>
        <translation>Rolle bearbeiten</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="86"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="87"/>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="88"/>
        <source>&amp;Credentials:</source>
        <translation>&amp;Zugangsdaten:</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="92"/>
        <source>Requests per &amp;hour:</source>
        <translation>Anfragen pro &amp;Stunde:</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="39"/>
        <source>Name: 1–64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit.</source>
        <translation>Name: 1–64 Buchstaben, Ziffern, „.“, „_“ oder „-“, beginnend mit einem Buchstaben oder einer Ziffer.</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="36"/>
        <source>The team has no credential &quot;%1&quot;.</source>
        <translation>Das Team hat keine Zugangsdaten „%1“.</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="44"/>
        <source>&quot;%1&quot; is not a valid credential name.</source>
        <translation>„%1“ ist kein gültiger Name für Zugangsdaten.</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="58"/>
        <source>Edi&amp;t…</source>
        <translation>Bearbei&amp;ten…</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="89"/>
        <source>type a name, Enter adds it</source>
        <translation>Namen eingeben, Enter fügt ihn hinzu</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="114"/>
        <source>Delete role</source>
        <translation>Rolle löschen</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="115"/>
        <source>Delete the role %1? Agents and links that have it lose its credentials.</source>
        <translation>Die Rolle %1 löschen? Agenten und Verknüpfungen mit dieser Rolle verlieren ihre Zugangsdaten.</translation>
    </message>
    <message>
        <location filename="../console/pages/rolespage.cpp" line="120"/>
        <source>Deleted %1.</source>
        <translation>%1 gelöscht.</translation>
    </message>
</context>
<context>
    <name>tap::console::SecretDialog</name>
    <message>
        <location filename="../console/dialogs/secretdialog.cpp" line="31"/>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <location filename="../console/dialogs/secretdialog.cpp" line="44"/>
        <source>Copied to the clipboard.</source>
        <translation>In die Zwischenablage kopiert.</translation>
    </message>
</context>
<context>
    <name>tap::console::Session</name>
    <message>
        <location filename="../console/session/session.cpp" line="74"/>
        <source>The system keychain is not available (%1). The session is kept in memory for this run only; you will have to log in again next time.</source>
        <translation>Der Schlüsselbund des Systems ist nicht verfügbar (%1). Die Sitzung wird nur für diesen Lauf im Arbeitsspeicher gehalten; beim nächsten Mal müssen Sie sich erneut anmelden.</translation>
    </message>
</context>
<context>
    <name>tap::console::SignInDialog</name>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="43"/>
        <source>Sign in to TAP</source>
        <translation>Bei TAP anmelden</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="54"/>
        <source>New server…</source>
        <translation>Neuer Server…</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="58"/>
        <source>&amp;Profile:</source>
        <translation>&amp;Profil:</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="61"/>
        <source>&amp;Server URL:</source>
        <translation>&amp;Server-URL:</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="63"/>
        <source>&amp;Email:</source>
        <translation>&amp;E-Mail:</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="72"/>
        <source>&amp;Log in</source>
        <translation>&amp;Anmelden</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="73"/>
        <source>Sign &amp;up</source>
        <translation>&amp;Registrieren</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="74"/>
        <source>&amp;Verify email</source>
        <translation>E-Mail &amp;bestätigen</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="107"/>
        <location filename="../console/dialogs/signindialog.cpp" line="135"/>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="109"/>
        <source>optional: for members of several teams</source>
        <translation>optional: für Mitglieder mehrerer Teams</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="112"/>
        <source>optional: tapi_… from an invitation mail</source>
        <translation>optional: tapi_… aus einer Einladungs-E-Mail</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="113"/>
        <location filename="../console/dialogs/signindialog.cpp" line="127"/>
        <source>&amp;Invitation:</source>
        <translation>E&amp;inladung:</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="114"/>
        <source>Log in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="110"/>
        <source>&amp;Team ID:</source>
        <translation>&amp;Team-ID:</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="126"/>
        <source>only if you were invited: tapi_… from the mail</source>
        <translation>nur wenn Sie eingeladen wurden: tapi_… aus der E-Mail</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="130"/>
        <source>New &amp;team name:</source>
        <translation>Name des neuen &amp;Teams:</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="137"/>
        <source>&amp;Repeat password:</source>
        <translation>Passwort wieder&amp;holen:</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="138"/>
        <source>Create account</source>
        <translation>Konto anlegen</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="152"/>
        <source>&amp;Code from the email:</source>
        <translation>&amp;Code aus der E-Mail:</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="153"/>
        <source>Verify</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="154"/>
        <source>Send a new code</source>
        <translation>Neuen Code senden</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="172"/>
        <source>The email or the password is wrong.</source>
        <translation>Die E-Mail-Adresse oder das Passwort ist falsch.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="174"/>
        <source>This account cannot log in to this team yet: verify the email address first, or check the team ID and the invitation.</source>
        <translation>Dieses Konto kann sich noch nicht bei diesem Team anmelden: Bestätigen Sie zuerst die E-Mail-Adresse, oder prüfen Sie Team-ID und Einladung.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="179"/>
        <location filename="../console/dialogs/signindialog.cpp" line="286"/>
        <source>The invitation is invalid or has expired.</source>
        <translation>Die Einladung ist ungültig oder abgelaufen.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="213"/>
        <source>The server URL must start with http:// or https://.</source>
        <translation>Die Server-URL muss mit http:// oder https:// beginnen.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="218"/>
        <source>Enter a valid email address.</source>
        <translation>Geben Sie eine gültige E-Mail-Adresse ein.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="230"/>
        <source>Enter your password.</source>
        <translation>Geben Sie Ihr Passwort ein.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="250"/>
        <source>Team names are 3–64 characters: lowercase letters, digits and hyphens, starting and ending with a letter or digit.</source>
        <translation>Teamnamen haben 3–64 Zeichen: Kleinbuchstaben, Ziffern und Bindestriche, am Anfang und am Ende ein Buchstabe oder eine Ziffer.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="253"/>
        <source>Passwords must be 8 to 1024 characters long.</source>
        <translation>Passwörter müssen 8 bis 1024 Zeichen lang sein.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="255"/>
        <source>The passwords do not match.</source>
        <translation>Die Passwörter stimmen nicht überein.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="269"/>
        <source>Account created. Enter the 6-digit code we sent to %1.</source>
        <translation>Konto angelegt. Geben Sie den 6-stelligen Code ein, den wir an %1 gesendet haben.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="294"/>
        <source>Account created and invitation accepted. You can log in now.</source>
        <translation>Konto angelegt und Einladung angenommen. Sie können sich jetzt anmelden.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="306"/>
        <source>The code is the 6 digits from the email.</source>
        <translation>Der Code besteht aus den 6 Ziffern aus der E-Mail.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="314"/>
        <source>The code is wrong or has expired. Send a new code if needed.</source>
        <translation>Der Code ist falsch oder abgelaufen. Fordern Sie bei Bedarf einen neuen Code an.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="317"/>
        <source>Email verified. You can log in now.</source>
        <translation>E-Mail bestätigt. Sie können sich jetzt anmelden.</translation>
    </message>
    <message>
        <location filename="../console/dialogs/signindialog.cpp" line="331"/>
        <source>If the account still needs verifying, a new code is on its way.</source>
        <translation>Falls das Konto noch bestätigt werden muss, ist ein neuer Code unterwegs.</translation>
    </message>
</context>
<context>
    <name>tap::console::TeamPage</name>
    <message>
        <location filename="../console/pages/teampage.h" line="15"/>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="31"/>
        <source>&amp;Invite…</source>
        <translation>&amp;Einladen…</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="33"/>
        <source>Change &amp;role…</source>
        <translation>&amp;Rolle ändern…</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="35"/>
        <source>Re&amp;move</source>
        <translation>Ent&amp;fernen</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="38"/>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="39"/>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="43"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="51"/>
        <source>Since / until</source>
        <translation>Seit / bis</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="61"/>
        <source>Team &lt;b&gt;%1&lt;/b&gt; (%2) — you are %3</source>
        <translation>Team &lt;b&gt;%1&lt;/b&gt; (%2) — Sie sind %3</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="46"/>
        <source>Invited</source>
        <translation>Eingeladen</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="48"/>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="49"/>
        <source>Member (email not verified)</source>
        <translation>Mitglied (E-Mail nicht bestätigt)</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="82"/>
        <source>Invite a member</source>
        <translation>Ein Mitglied einladen</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="83"/>
        <source>&amp;Email:</source>
        <translation>&amp;E-Mail:</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="84"/>
        <location filename="../console/pages/teampage.cpp" line="126"/>
        <source>&amp;Role:</source>
        <translation>&amp;Rolle:</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="86"/>
        <source>The invitation is mailed with a token to sign up or log in with; it expires in 7 days.</source>
        <translation>Die Einladung wird mit einem Token zum Registrieren oder Anmelden verschickt; sie läuft nach 7 Tagen ab.</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="96"/>
        <source>Enter a valid email address.</source>
        <translation>Geben Sie eine gültige E-Mail-Adresse ein.</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="100"/>
        <source>This person is already a member of the team or invited.</source>
        <translation>Diese Person ist bereits Mitglied des Teams oder eingeladen.</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="107"/>
        <source>Invitation sent.</source>
        <translation>Einladung gesendet.</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="121"/>
        <source>Invitations cannot be changed; invite again instead.</source>
        <translation>Einladungen können nicht geändert werden; laden Sie stattdessen erneut ein.</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="124"/>
        <source>Change role</source>
        <translation>Rolle ändern</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="146"/>
        <source>Pending invitations expire on their own.</source>
        <translation>Offene Einladungen laufen von selbst ab.</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="149"/>
        <source>Remove member</source>
        <translation>Mitglied entfernen</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="150"/>
        <source>Remove %1 from the team? Their sessions end at once.</source>
        <translation>%1 aus dem Team entfernen? Die Sitzungen enden sofort.</translation>
    </message>
    <message>
        <location filename="../console/pages/teampage.cpp" line="154"/>
        <source>%1 was removed from the team.</source>
        <translation>%1 wurde aus dem Team entfernt.</translation>
    </message>
</context>
<context>
    <name>tap::console::TrayController</name>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="49"/>
        <source>&amp;Keep running in the tray when closed</source>
        <translation>Nach dem Schließen im &amp;Infobereich weiterlaufen</translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="54"/>
        <source>&amp;Start at login</source>
        <translation>Beim Anmelden &amp;starten</translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="62"/>
        <source>TAP Console</source>
        <translation>TAP-Konsole</translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="63"/>
        <source>Could not change %1.</source>
        <translation>%1 konnte nicht geändert werden.</translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="113"/>
        <source>TAP Console keeps running</source>
        <translation>Die TAP-Konsole läuft weiter</translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="114"/>
        <source>It keeps watching for approval requests in the tray. Choose Quit in the tray menu to end it.</source>
        <translation>Sie achtet im Infobereich weiter auf Genehmigungsanfragen. Wählen Sie „Beenden“ im Menü des Infobereichs, um sie zu beenden.</translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="135"/>
        <source>&amp;Open TAP Console</source>
        <translation>TAP-Konsole ö&amp;ffnen</translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="140"/>
        <source>Disconnected from the server — retrying</source>
        <translation>Keine Verbindung zum Server — neuer Versuch läuft</translation>
    </message>
    <message numerus="yes">
        <location filename="../console/app/traycontroller.cpp" line="156"/>
        <source>%n more request(s)…</source>
        <translation>
            <numerusform>%n weitere Anfrage…</numerusform>
            <numerusform>%n weitere Anfragen…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="159"/>
        <source>No requests waiting for you</source>
        <translation>Keine Anfragen warten auf Sie</translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="162"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../console/app/traycontroller.cpp" line="168"/>
        <source>The decision was not recorded</source>
        <translation>Die Entscheidung wurde nicht gespeichert</translation>
    </message>
</context>
<context>
    <name>tap::console::TrayNotifier</name>
    <message>
        <location filename="../console/approvals/traynotifier.cpp" line="10"/>
        <location filename="../console/approvals/traynotifier.cpp" line="80"/>
        <location filename="../console/approvals/traynotifier.cpp" line="95"/>
        <source>TAP Console</source>
        <translation>TAP-Konsole</translation>
    </message>
    <message>
        <location filename="../console/approvals/traynotifier.cpp" line="93"/>
        <source>TAP Console: disconnected from the server — retrying</source>
        <translation>TAP-Konsole: Verbindung zum Server unterbrochen — neuer Versuch läuft</translation>
    </message>
    <message numerus="yes">
        <location filename="../console/approvals/traynotifier.cpp" line="97"/>
        <source>TAP Console: %n pending approval(s)</source>
        <translation>
            <numerusform>TAP-Konsole: %n offene Genehmigung</numerusform>
            <numerusform>TAP-Konsole: %n offene Genehmigungen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../console/approvals/traynotifier.cpp" line="47"/>
        <source>Approvals waiting</source>
        <translation>Genehmigungen warten</translation>
    </message>
    <message numerus="yes">
        <location filename="../console/approvals/traynotifier.cpp" line="48"/>
        <source>%n request(s) are waiting for your decision.</source>
        <translation>
            <numerusform>%n Anfrage wartet auf Ihre Entscheidung.</numerusform>
            <numerusform>%n Anfragen warten auf Ihre Entscheidung.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../console/approvals/traynotifier.cpp" line="61"/>
        <source>Approval requested</source>
        <translation>Genehmigung angefragt</translation>
    </message>
    <message>
        <location filename="../console/approvals/traynotifier.cpp" line="59"/>
        <source>%1 wants to use %2: %3 %4</source>
        <translation>%1 möchte %2 verwenden: %3 %4</translation>
    </message>
</context>
<context>
    <name>tap::console::WelcomePage</name>
    <message>
        <location filename="../console/app/welcomepage.cpp" line="36"/>
        <source>&amp;Sign up…</source>
        <translation>&amp;Registrieren…</translation>
    </message>
    <message>
        <location filename="../console/app/welcomepage.cpp" line="38"/>
        <source>&amp;Log in…</source>
        <translation>An&amp;melden…</translation>
    </message>
    <message>
        <location filename="../console/app/welcomepage.cpp" line="54"/>
        <source>Welcome to TAP</source>
        <translation>Willkommen bei TAP</translation>
    </message>
    <message>
        <location filename="../console/app/welcomepage.cpp" line="55"/>
        <source>TAP keeps your team&apos;s API keys away from your AI agents and asks you before they do something risky. Create an account and a team with Sign up, or log in to a TAP server you already use.</source>
        <translation>TAP hält die API-Schlüssel Ihres Teams von Ihren KI-Agenten fern und fragt Sie, bevor sie etwas Riskantes tun. Legen Sie mit „Registrieren“ ein Konto und ein Team an, oder melden Sie sich bei einem TAP-Server an, den Sie schon nutzen.</translation>
    </message>
    <message>
        <location filename="../console/app/welcomepage.cpp" line="59"/>
        <source>You are logged out</source>
        <translation>Sie sind abgemeldet</translation>
    </message>
    <message>
        <location filename="../console/app/welcomepage.cpp" line="60"/>
        <source>Log in again to manage your team and answer approval requests.</source>
        <translation>Melden Sie sich wieder an, um Ihr Team zu verwalten und Genehmigungsanfragen zu beantworten.</translation>
    </message>
</context>
</TS>
