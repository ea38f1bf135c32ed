// The knowledge-base layer: files -> passages -> SQLite FTS5 index -> ranked passages.
enum CorbiKnowledgeModule {}
