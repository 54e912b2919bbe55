#pragma once

#include "core/secretbytes.h"

#include <QByteArray>
#include <QList>

namespace tap::sanitizer {

// Aho & Corasick, "Efficient string matching" (CACM 18(6), 1975): a trie of all patterns plus
// failure links, so a text is read once whatever the number of patterns. Each pattern belongs
// to a secret (an index); a pattern shared by two secrets belongs to the first. The trie's edge
// labels are secret material and are kept in SecretBytes.
class Automaton
{
public:
    struct Node
    {
        qsizetype firstEdge = 0; // into m_labels / m_targets, sorted by insertion
        int edgeCount = 0;
        int fail = 0; // longest proper suffix that is also a trie node
        int output = -1; // this node or the nearest fail ancestor that ends a pattern
        int depth = 0;
        int secret = -1; // the secret whose pattern ends here, if any
        int openDepth = 0; // depth of the deepest node on the fail chain that has children
    };

    // patternsBySecret[i]: the patterns of secret i (empty ones are skipped, duplicates merge).
    explicit Automaton(const QList<QList<QByteArray>> &patternsBySecret = {});

    int step(int state, uchar byte) const;
    const Node &node(int state) const { return m_nodes.at(state); }
    bool startsPattern(uchar byte) const
    {
        return !m_rootNext.isEmpty() && m_rootNext.at(byte) != 0;
    }
    bool isEmpty() const { return m_nodes.size() <= 1; }
    qsizetype maxPatternLength() const { return m_maxPatternLength; }

    // Calls f(length, secret) for every pattern that ends in `state`, longest first.
    template <typename F>
    void forEachMatch(int state, F &&f) const
    {
        for (int t = m_nodes.at(state).output; t >= 0; t = m_nodes.at(m_nodes.at(t).fail).output)
            f(m_nodes.at(t).depth, m_nodes.at(t).secret);
    }

private:
    QList<Node> m_nodes;
    core::SecretBytes m_labels; // edge bytes of the trie: secret material
    QList<int> m_targets;
    QList<int> m_rootNext; // 256 entries: the root's full transition table
    qsizetype m_maxPatternLength = 0;
};

} // namespace tap::sanitizer
