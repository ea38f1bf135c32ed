/// "1 message", "2 messages", "2 delivery statuses": a count with its noun, for every line
/// a command prints (one rule, so no line says "1 questions" or "2 statuss").
func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
}
