// Issue #18: Alt+letter means one thing wherever it can be pressed, in English and in German
// (tap_console_de.qm, loaded the way tap-console loads it). Checked: the items of each menu (the
// menu bar's menus and the tray menu), the menu bar's titles, each page of the main window
// together with the menu bar and the status bar, the welcome page, the sign-in dialog's tabs and
// every form dialog the pages open. Mnemonics come from buttons, check boxes, labels with a
// buddy, group boxes, tab titles and menu items; widgets that take turns (the pages of a
// QStackedWidget, the tabs of a QTabWidget) are checked one at a time.
#include "app/mainwindow.h"
#include "app/traycontroller.h"
#include "consoletest.h"
#include "dialogs/signindialog.h"
#include "pages/page.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QLibraryInfo>
#include <QMenu>
#include <QMenuBar>
#include <QStackedWidget>
#include <QTabBar>
#include <QTranslator>

using namespace tap::console;
using namespace tap::console::test;

namespace {

// The letter after '&' in a label ("E&xport…" → 'x'), 0 without one ("&&" is a literal '&').
QChar mnemonic(const QString &text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) == u'&') {
            if (text.at(i + 1) != u'&')
                return text.at(i + 1).toLower();
            ++i;
        }
    }
    return {};
}

// The labelled texts that can be pressed together, with their mnemonics.
using Scope = QStringList;

QStringList ownTexts(QWidget *w)
{
    QStringList out;
    if (auto *b = qobject_cast<QAbstractButton *>(w))
        out << b->text();
    else if (auto *l = qobject_cast<QLabel *>(w); l && l->buddy())
        out << l->text();
    else if (auto *g = qobject_cast<QGroupBox *>(w))
        out << g->title();
    else if (auto *t = qobject_cast<QTabBar *>(w)) {
        for (int i = 0; i < t->count(); ++i)
            out << t->tabText(i);
    } else if (auto *m = qobject_cast<QMenuBar *>(w)) {
        for (QAction *a : m->actions())
            out << a->text();
    }
    return out;
}

// Every set of texts shown together under `w` (one set per combination of stacked pages).
// Windows (dialogs, menus) under `w` are their own scopes.
QList<Scope> scopes(QWidget *w)
{
    QList<Scope> out{ ownTexts(w) };
    for (QObject *o : w->children()) {
        auto *child = qobject_cast<QWidget *>(o);
        if (!child || child->isWindow())
            continue;
        QList<Scope> alternatives;
        if (auto *stack = qobject_cast<QStackedWidget *>(child)) {
            for (int i = 0; i < stack->count(); ++i)
                alternatives += scopes(stack->widget(i));
        } else {
            alternatives = scopes(child);
        }
        QList<Scope> combined;
        for (const Scope &a : std::as_const(out)) {
            for (const Scope &b : std::as_const(alternatives))
                combined << a + b;
        }
        out = combined;
    }
    return out;
}

// The pairs of texts in `texts` that share a mnemonic (none: every one is unique).
QStringList clashes(const QStringList &texts)
{
    QStringList out;
    QHash<QChar, QString> used;
    for (const QString &text : texts) {
        const QChar m = mnemonic(text);
        if (m.isNull())
            continue;
        if (used.contains(m))
            out << u"'%1': \"%2\" and \"%3\""_qs.arg(m, used.value(m), text);
        else
            used.insert(m, text);
    }
    return out;
}

} // namespace

class TestMnemonics : public QObject, public ConsoleRig
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(startRig());
        seed();
        m_clashes.clear();
        m_checked = 0;
    }
    void cleanup()
    {
        m_window.reset();
        stopRig();
        QCoreApplication::removeTranslator(&m_qt);
        QCoreApplication::removeTranslator(&m_console);
    }

    void unique_data();
    void unique();

private:
    void seed();
    // Loads the console's translation for `language` as main.cpp does (from the build tree).
    void useLanguage(const QString &language);
    void check(const QString &where, const QList<Scope> &all);
    // Clicks `button` on `page` and checks the dialog it opens, then closes it.
    void checkDialogOf(Page *page, const char *button);

    FakeDesktop m_desktop;
    std::unique_ptr<MainWindow> m_window;
    QTranslator m_qt;
    QTranslator m_console;
    QStringList m_clashes;
    int m_checked = 0;
};

void TestMnemonics::seed()
{
    m_fake->credentials << QJsonObject{ { u"name"_qs, u"slack"_qs },
                                        { u"connector"_qs, u"direct"_qs },
                                        { u"kind"_qs, u"oauth2"_qs },
                                        { u"api_base"_qs, u"https://slack.com/api"_qs },
                                        { u"has_value"_qs, true } };
    m_fake->agents << QJsonObject{ { u"agent_id"_qs, u"bot"_qs },
                                   { u"description"_qs, u"a bot"_qs },
                                   { u"enabled"_qs, true },
                                   { u"credentials"_qs, QJsonArray{ u"slack"_qs } } };
    m_fake->roles << QJsonObject{ { u"name"_qs, u"ops"_qs },
                                  { u"description"_qs, u"operations"_qs },
                                  { u"credentials"_qs, QJsonArray{ u"slack"_qs } } };
    m_fake->addAccount(u"bob@example.com"_qs, u"bob password"_qs, u"approver"_qs);
}

void TestMnemonics::useLanguage(const QString &language)
{
    if (language == u"en")
        return;
    const QString dir = qEnvironmentVariable("TAP_CONSOLE_QM_DIR");
    if (dir.isEmpty())
        QSKIP("TAP_CONSOLE_QM_DIR is not set (run through ctest)");
    const QLocale locale(language);
    if (m_qt.load(locale, u"qtbase"_qs, u"_"_qs,
                  QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&m_qt);
    QVERIFY2(m_console.load(locale, u"tap_console"_qs, u"_"_qs, dir),
             qPrintable(u"no tap_console_"_qs + language + u".qm in "_qs + dir));
    QCoreApplication::installTranslator(&m_console);
}

void TestMnemonics::check(const QString &where, const QList<Scope> &all)
{
    for (const Scope &scope : all) {
        ++m_checked;
        for (const QString &c : clashes(scope)) {
            if (!m_clashes.contains(where + u": "_qs + c))
                m_clashes << where + u": "_qs + c;
        }
    }
}

void TestMnemonics::checkDialogOf(Page *page, const char *button)
{
    auto *b = child<QAbstractButton>(page, button);
    QVERIFY2(b, button);
    m_window->showPage(page);
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->api()->isBusy(), kTimeout);
    if (auto *view = page->findChild<QTableView *>(); view && view->model()->rowCount() > 0)
        view->selectRow(0);
    QVERIFY2(b->isEnabled(), qPrintable(page->objectName() + u": "_qs + b->text()));
    b->click();
    QDialog *dialog = nullptr;
    QTRY_VERIFY2_WITH_TIMEOUT((dialog = page->findChild<QDialog *>()) && dialog->isVisible(),
                              qPrintable(page->objectName() + u": "_qs + b->text()), kTimeout);
    check(page->objectName() + u"/"_qs + dialog->objectName(), scopes(dialog));
    dialog->reject();
    QTRY_VERIFY_WITH_TIMEOUT(!page->findChild<QDialog *>(), kTimeout);
}

void TestMnemonics::unique_data()
{
    QTest::addColumn<QString>("language");
    QTest::addRow("English") << u"en"_qs;
    QTest::addRow("German") << u"de"_qs;
}

void TestMnemonics::unique()
{
    QFETCH(QString, language);
    useLanguage(language);
    m_window = std::make_unique<MainWindow>(m_session.get(), m_desktop.environment());
    m_window->trayController()->setTrayAvailable(true);
    m_window->show();
    QVERIFY(signIn(*m_session, *m_fake));

    // Menus: each one's items; the tray menu.
    for (QAction *title : m_window->menuBar()->actions()) {
        QStringList items;
        for (QAction *a : title->menu()->actions())
            items << a->text();
        check(title->text(), { items });
    }
    QStringList tray;
    for (QAction *a : m_window->trayController()->menu()->actions())
        tray << a->text();
    check(u"tray menu"_qs, { tray });

    // The window: the menu bar with the current page (or the welcome page) and the status bar.
    check(u"main window"_qs, scopes(m_window.get()));

    // The dialogs the pages open.
    const struct
    {
        const char *page;
        const char *button;
    } dialogs[] = { { "teamPage", "inviteButton" },        { "teamPage", "changeRoleButton" },
                    { "credentialsPage", "newButton" },    { "credentialsPage", "editButton" },
                    { "credentialsPage", "rotateButton" }, { "credentialsPage", "connectButton" },
                    { "agentsPage", "newButton" },         { "agentsPage", "editButton" },
                    { "rolesPage", "newButton" },          { "rolesPage", "editButton" },
                    { "channelsPage", "newButton" },       { "linksPage", "newButton" } };
    for (const auto &d : dialogs) {
        checkDialogOf(m_window->page(QString::fromLatin1(d.page)), d.button);
        if (QTest::currentTestFailed())
            return;
    }

    // The sign-in dialog, tab by tab.
    SignInDialog signIn(m_session.get());
    check(u"sign-in dialog"_qs, scopes(&signIn));

    for (const QString &c : std::as_const(m_clashes))
        qWarning("%s", qPrintable(c));
    QVERIFY2(m_clashes.isEmpty(), qPrintable(u"%1 clashes (above)"_qs.arg(m_clashes.size())));
    // The walk found them: the menus, the window's pages, the dialogs, the sign-in tabs.
    QVERIFY2(m_checked >= 5 + m_window->pages().size() + int(std::size(dialogs)) + 3,
             qPrintable(QString::number(m_checked)));
}

QTEST_MAIN(TestMnemonics)
#include "tst_console_mnemonics.moc"
