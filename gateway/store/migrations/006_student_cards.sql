-- A student's further card UIDs (the centre publishes every card of a student;
-- students.card_uid keeps the first, so a swipe of it stays one index lookup).
CREATE TABLE student_cards (
  card_uid   TEXT PRIMARY KEY,
  student_id TEXT NOT NULL
);
CREATE INDEX student_cards_by_student ON student_cards (student_id);
