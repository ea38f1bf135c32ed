// Grounded answers with citations, built on CorbiKnowledge.
enum CorbiAssistantModule {}
