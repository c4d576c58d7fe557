// Integration tests wait on a real broker and real databases: deadlines, not speed assertions.
jest.setTimeout(120000);
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
