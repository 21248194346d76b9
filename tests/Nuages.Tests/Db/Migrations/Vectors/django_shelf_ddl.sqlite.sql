CREATE TABLE "shelf_author" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL);
CREATE TABLE "shelf_book" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(200) NOT NULL, "pages" integer NULL, "author_id" bigint NOT NULL REFERENCES "shelf_author" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "shelf_book_author_id_a96bf3c5" ON "shelf_book" ("author_id");
