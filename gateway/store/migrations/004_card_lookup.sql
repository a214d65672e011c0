-- Card -> student answered from the index alone, without a table lookup per
-- swipe (the store's lookup names it: INDEXED BY students_by_card).
CREATE UNIQUE INDEX students_by_card ON students (card_uid, student_id);
