#include "sanitizer/automaton.h"

#include <algorithm>

namespace tap::sanitizer {

Automaton::Automaton(const QList<QList<QByteArray>> &patternsBySecret)
{
    QList<QByteArray> childLabels(1);
    QList<QList<int>> childTargets(1);
    m_nodes.resize(1);
    const auto childOf = [&](int node, uchar byte) {
        const qsizetype i = childLabels.at(node).indexOf(char(byte));
        return i < 0 ? -1 : childTargets.at(node).at(i);
    };
    for (int secret = 0; secret < patternsBySecret.size(); ++secret) {
        for (const QByteArray &pattern : patternsBySecret.at(secret)) {
            if (pattern.isEmpty())
                continue;
            int node = 0;
            for (const char ch : pattern) {
                int next = childOf(node, uchar(ch));
                if (next < 0) {
                    next = int(m_nodes.size());
                    Node added;
                    added.depth = m_nodes.at(node).depth + 1;
                    m_nodes.append(added);
                    childLabels.append(QByteArray());
                    childTargets.append(QList<int>());
                    childLabels[node].append(ch);
                    childTargets[node].append(next);
                }
                node = next;
            }
            if (m_nodes.at(node).secret < 0)
                m_nodes[node].secret = secret;
            m_maxPatternLength = std::max(m_maxPatternLength, pattern.size());
        }
    }
    // Breadth-first, so a node's failure target (which is shallower) is complete before it.
    QList<int> queue{ 0 };
    for (qsizetype head = 0; head < queue.size(); ++head) {
        const int node = queue.at(head);
        for (qsizetype i = 0; i < childLabels.at(node).size(); ++i) {
            const auto byte = uchar(childLabels.at(node).at(i));
            const int child = childTargets.at(node).at(i);
            int fail = 0;
            if (node != 0) {
                int f = m_nodes.at(node).fail;
                while (f != 0 && childOf(f, byte) < 0)
                    f = m_nodes.at(f).fail;
                fail = std::max(childOf(f, byte), 0);
            }
            Node &n = m_nodes[child];
            n.fail = fail;
            n.output = n.secret >= 0 ? child : m_nodes.at(fail).output;
            n.openDepth = childLabels.at(child).isEmpty() ? m_nodes.at(fail).openDepth : n.depth;
            queue.append(child);
        }
    }
    m_rootNext.fill(0, 256);
    for (int byte = 0; byte < 256; ++byte)
        m_rootNext[byte] = std::max(childOf(0, uchar(byte)), 0);
    QByteArray labels;
    for (qsizetype node = 0; node < m_nodes.size(); ++node) {
        m_nodes[node].firstEdge = labels.size();
        m_nodes[node].edgeCount = int(childLabels.at(node).size());
        labels.append(childLabels.at(node));
        m_targets.append(childTargets.at(node));
        core::wipe(childLabels[node]);
    }
    m_labels = core::SecretBytes::adopt(std::move(labels));
}

int Automaton::step(int state, uchar byte) const
{
    const Node *nodes = m_nodes.constData();
    const char *labels = m_labels.constData();
    while (state != 0) {
        const Node &node = nodes[state];
        for (int i = 0; i < node.edgeCount; ++i) {
            if (uchar(labels[node.firstEdge + i]) == byte)
                return m_targets.at(node.firstEdge + i);
        }
        state = node.fail;
    }
    return m_rootNext.at(byte);
}

} // namespace tap::sanitizer
