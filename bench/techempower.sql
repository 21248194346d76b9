-- TechEmpower's World and Fortune tables, as the three benchmark apps read them (snake_case columns, Nuages' naming).
SET client_min_messages = warning;
DROP TABLE IF EXISTS world;
CREATE TABLE world (id bigint PRIMARY KEY, random_number integer NOT NULL);
INSERT INTO world SELECT i, floor(random() * 10000 + 1)::integer FROM generate_series(1, 10000) AS i;
DROP TABLE IF EXISTS fortune;
CREATE TABLE fortune (id bigint PRIMARY KEY, message varchar(2048) NOT NULL);
INSERT INTO fortune (id, message) VALUES
  (1, 'fortune: No such file or directory'),
  (2, 'A computer scientist is someone who fixes things that aren''t broken.'),
  (3, 'After enough decimal places, nobody gives a damn.'),
  (4, 'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1'),
  (5, 'A computer program does what you tell it to do, not what you want it to do.'),
  (6, 'Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen'),
  (7, 'Any program that runs right is obsolete.'),
  (8, 'A list is only as strong as its weakest link. — Donald Knuth'),
  (9, 'Feature: A bug with seniority.'),
  (10, 'Computers make very fast, very accurate mistakes.'),
  (11, '<script>alert("This should not be displayed in a browser alert box.");</script>'),
  (12, 'フレームワークのベンチマーク');
ANALYZE world;
ANALYZE fortune;
-- Relations (not TechEmpower's): 100 authors, 1,000 books each with an author and three of 20 tags, orders.
DROP TABLE IF EXISTS bench_book_tags;
DROP TABLE IF EXISTS bench_order;
DROP TABLE IF EXISTS bench_book;
DROP TABLE IF EXISTS bench_tag;
DROP TABLE IF EXISTS bench_author;
CREATE TABLE bench_author (id bigserial PRIMARY KEY, name varchar(100) NOT NULL);
CREATE TABLE bench_tag (id bigserial PRIMARY KEY, name varchar(50) NOT NULL);
CREATE TABLE bench_book (id bigserial PRIMARY KEY, title varchar(200) NOT NULL, pages integer NOT NULL, sold integer NOT NULL,
  author_id bigint NOT NULL REFERENCES bench_author (id) DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX bench_book_author_id_idx ON bench_book (author_id);
CREATE TABLE bench_book_tags (id bigserial PRIMARY KEY, bench_book_id bigint NOT NULL REFERENCES bench_book (id) DEFERRABLE INITIALLY DEFERRED,
  bench_tag_id bigint NOT NULL REFERENCES bench_tag (id) DEFERRABLE INITIALLY DEFERRED, UNIQUE (bench_book_id, bench_tag_id));
CREATE INDEX bench_book_tags_bench_tag_id_idx ON bench_book_tags (bench_tag_id);
CREATE TABLE bench_order (id bigserial PRIMARY KEY, quantity integer NOT NULL,
  book_id bigint NOT NULL REFERENCES bench_book (id) DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX bench_order_book_id_idx ON bench_order (book_id);
INSERT INTO bench_author (name) SELECT 'Author ' || i FROM generate_series(1, 100) AS i;
INSERT INTO bench_tag (name) SELECT 'tag-' || i FROM generate_series(1, 20) AS i;
INSERT INTO bench_book (title, pages, sold, author_id) SELECT 'Book ' || i, 100 + i % 400, 0, 1 + i % 100 FROM generate_series(1, 1000) AS i;
INSERT INTO bench_book_tags (bench_book_id, bench_tag_id) SELECT b, 1 + (b * k) % 20 FROM generate_series(1, 1000) AS b, (VALUES (1), (7), (13)) AS t(k)
  ON CONFLICT DO NOTHING;
ANALYZE bench_author;
ANALYZE bench_tag;
ANALYZE bench_book;
ANALYZE bench_book_tags;
